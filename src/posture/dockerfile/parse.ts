// Reads a Dockerfile into build stages with dockerfile-ast (the parser behind the VS Code
// Docker language server), which handles the escape directive, line continuations, heredocs,
// JSON and shell forms. This module only resolves ARG values in FROM and groups by stage.
import { DockerfileParser } from 'dockerfile-ast';

export interface Instruction {
  keyword: string;
  /** Arguments as written, continuations joined, heredoc bodies included. */
  text: string;
  /** Flags such as `--from`, `--checksum`, `--mount`. */
  flags: Map<string, string | null>;
  /** ENV/ARG name=value pairs. */
  properties: { name: string; value: string | null }[];
  line: number;
  index: number;
}

export interface Stage {
  /** The base as written and with global ARG defaults substituted. */
  from: string;
  base: string;
  name?: string;
  line: number;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  /** ARG instructions before the first FROM (their defaults apply to FROM lines). */
  globalArgs: Instruction[];
  stages: Stage[];
}

export const MAX_INSTRUCTIONS = 10_000;

export function parseDockerfile(text: string): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(text);
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  const defaults = new Map<string, string>();
  dockerfile
    .getInstructions()
    .slice(0, MAX_INSTRUCTIONS)
    .forEach((raw, index) => {
      const keyword = raw.getKeyword().toUpperCase();
      const flags = new Map<string, string | null>();
      if ('getFlags' in raw && typeof raw.getFlags === 'function') {
        for (const flag of raw.getFlags() as { getName(): string; getValue(): string | null }[]) {
          flags.set(flag.getName(), flag.getValue());
        }
      }

      const properties =
        'getProperties' in raw && typeof raw.getProperties === 'function'
          ? (raw.getProperties() as { getName(): string; getValue(): string | null }[]).map(
              (p) => ({
                name: p.getName(),
                value: p.getValue(),
              }),
            )
          : [];
      const instruction: Instruction = {
        keyword,
        text: raw.getArgumentsContent() ?? '',
        flags,
        properties,
        line: raw.getRange().start.line + 1,
        index,
      };
      if (keyword === 'FROM') {
        const [from = '', as, name] = instruction.text
          .split(/\s+/)
          .filter((w) => !w.startsWith('--'));
        stages.push({
          from,
          base: substitute(from, defaults),
          name: as?.toLowerCase() === 'as' ? name : undefined,
          line: instruction.line,
          instructions: [instruction],
        });
        return;
      }

      const stage = stages[stages.length - 1];
      if (stage === undefined) {
        if (keyword === 'ARG') {
          globalArgs.push(instruction);
          for (const p of properties) {
            defaults.set(p.name, p.value ?? '');
          }
        }

        return;
      }

      stage.instructions.push(instruction);
    });
  return { globalArgs, stages };
}

/** Expands `$VAR`, `${VAR}` and `${VAR:-default}` from global ARG defaults. */
function substitute(text: string, values: Map<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const value = values.get(braced ?? bare ?? '');
      return value !== undefined && value !== '' ? value : (fallback ?? '');
    },
  );
}
