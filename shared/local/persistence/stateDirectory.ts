import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { ValidationError } from '../../errors';
import type { PersistedMessage } from '../bus/localServiceBus';
import type { Persisted } from '../sim/persisted';
import type { SavedContainer } from './cosmosSnapshot';

/** The file in the state directory; written whole, through a temporary file and a rename. */
export const STATE_FILE = 'state.json';
const VERSION = 1;

const savedStateSchema = z.object({
  version: z.literal(VERSION),
  savedAt: z.string(),
  /** The simulated time when it was saved: the restarted clock goes on from there. */
  clock: z.iso.datetime({ offset: true }),
  databaseName: z.string().min(1),
  cosmos: z.array(
    z.object({ definition: z.looseObject({ id: z.string().min(1) }), items: z.array(z.looseObject({})) }),
  ),
  simulation: z.record(z.string(), z.unknown()),
  bus: z.array(z.looseObject({ queueName: z.string(), messageId: z.string(), body: z.string() })),
});
/** What DIR/state.json holds; its outline is checked on read, the records are this version's own. */
export interface SavedState {
  readonly version: typeof VERSION;
  readonly savedAt: string;
  readonly clock: string;
  readonly databaseName: string;
  readonly cosmos: readonly SavedContainer[];
  readonly simulation: Persisted;
  readonly bus: readonly PersistedMessage[];
}

/**
 * Reads the state directory's file: undefined when there is none yet (a first start); a clear
 * error when it is not one this version wrote, so nothing is started on half a state.
 */
export async function readSavedState(dir: string): Promise<SavedState | undefined> {
  const file = join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ValidationError(`${file} is not JSON; move it away to start afresh`, 'dataDir');
  }
  const parsed = savedStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `${file} is not a state this version wrote (at '${issue?.path.map(String).join('.') ?? ''}': ${issue?.message ?? ''}); move it away to start afresh`,
      'dataDir',
    );
  }
  return parsed.data as unknown as SavedState;
}

export async function writeSavedState(dir: string, state: SavedState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(state));
  // A rename replaces the file at once: a crash while writing leaves the previous state whole.
  await rename(temporary, file);
}

export function savedState(parts: Omit<SavedState, 'version' | 'savedAt'>): SavedState {
  return { version: VERSION, savedAt: new Date().toISOString(), ...parts };
}
