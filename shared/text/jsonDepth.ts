/**
 * The nesting depth of JSON text, found by one scan of its characters (no recursion, no parse),
 * so a body nested thousands of levels deep is refused before anything walks it recursively
 * (`JSON.stringify`, schema validation, the Functions worker's own copies).
 *
 * @example
 * jsonDepth('{"a":[1,{"b":2}]}') // → 3
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return deepest;
}
