import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { TerminalError } from '../errors';

/** A compiled ARM template, as JSON. */
export type ArmTemplate = Readonly<Record<string, unknown>>;

/** `dist/infra/stamp/main.json`, next to this module's compiled `dist/shared/azure/`. */
export const DEFAULT_STAMP_TEMPLATE_PATH = resolve(__dirname, '..', '..', 'infra', 'stamp', 'main.json');

/** Reads an ARM template JSON file; a missing or malformed file is a TerminalError naming the path. */
export async function loadStampTemplate(path = DEFAULT_STAMP_TEMPLATE_PATH): Promise<ArmTemplate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TerminalError(
      `stamp template not found at ${path}: run npm run build:infra`,
      'TemplateMissing',
      {
        cause: error,
      },
    );
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || !('resources' in parsed)) {
    throw new TerminalError(`stamp template at ${path} is not an ARM template`, 'TemplateInvalid');
  }
  return parsed;
}
