/** A counting semaphore: at most `max` holders at once, waiters served first come first served. */
export interface Limiter {
  /** Waits for a slot until `deadline` (epoch ms); resolves to a release function, or null on timeout. */
  acquire(deadline: number): Promise<(() => void) | null>;
  readonly active: number;
  readonly waiting: number;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const queue: { grant: () => void; timer: NodeJS.Timeout }[] = [];

  const release = () => {
    const next = queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.grant();
    } else {
      active -= 1;
    }
  };
  const once = () => {
    let done = false;
    return () => {
      if (!done) {
        done = true;
        release();
      }
    };
  };

  return {
    acquire(deadline) {
      if (active < max) {
        active += 1;
        return Promise.resolve(once());
      }
      return new Promise((resolve) => {
        const entry = {
          grant: () => resolve(once()),
          timer: setTimeout(
            () => {
              queue.splice(queue.indexOf(entry), 1);
              resolve(null);
            },
            Math.max(0, deadline - Date.now()),
          ),
        };
        queue.push(entry);
      });
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/** Runs `task` over `items` with at most `concurrency` running at once; results keep input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
