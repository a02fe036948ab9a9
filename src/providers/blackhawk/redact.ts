/** Removing activation codes from provider text: CAVS echoes codes in its messages ("Activation code 123 is not a valid value"). */

// Length-preserving, so positions found in the lowered text are positions in the original.
const asciiLower = (text: string) => text.replace(/[A-Z]+/g, (run) => run.toLowerCase());

/**
 * Replaces every occurrence of every secret in `text` with `***`, ignoring ASCII case (masking too
 * much is harmless, too little is a leak). Overlapping occurrences are masked as one run.
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  const haystack = asciiLower(text);
  const masked = new Uint8Array(text.length);
  let found = false;
  for (const secret of secrets) {
    if (secret === '') continue;
    const needle = asciiLower(secret);
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
      masked.fill(1, at, at + needle.length);
      found = true;
    }
  }
  if (!found) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (masked[i]) {
      out += '***';
      while (masked[i]) i++;
    } else {
      const start = i;
      while (i < text.length && !masked[i]) i++;
      out += text.slice(start, i);
    }
  }
  return out;
}
