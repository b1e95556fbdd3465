/**
 * Preloaded (`node --require`) into the Azurite child process: it exits when its parent's end of
 * stdin closes, so a parent killed without cleanup (a test timeout) leaves no emulator running.
 */
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
