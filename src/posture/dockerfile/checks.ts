// The Dockerfile controls, each a function from the parsed file to violations.
import { isDigestPinned, splitImage } from '../image-ref.js';
import { isAptInstall, isIndexUpdate, shellCommands, unpinnedPackages } from './packages.js';
import type { Instruction, ParsedDockerfile, Stage } from './parse.js';

export interface DockerfileViolation {
  controlId: string;
  instruction: Instruction;
  message: string;
}

type Check = (file: ParsedDockerfile) => DockerfileViolation[];

const SECRET_NAME =
  /pass(word|wd)?|secret|token|api_?key|access_?key|private_?key|credential|auth/i;

function finalStage(file: ParsedDockerfile): Stage | undefined {
  return file.stages[file.stages.length - 1];
}

function all(file: ParsedDockerfile, keyword: string): Instruction[] {
  return file.stages.flatMap((s) => s.instructions).filter((i) => i.keyword === keyword);
}

const runsAsRoot: Check = (file) => {
  const stage = finalStage(file);
  if (stage === undefined) {
    return [];
  }

  const user = stage.instructions.filter((i) => i.keyword === 'USER').pop();
  if (user === undefined) {
    return [
      {
        controlId: 'MOAT-IMG-001',
        instruction: stage.instructions[0] as Instruction,
        message: 'final stage sets no USER',
      },
    ];
  }

  const name = user.text.trim().split(':')[0];
  return name === 'root' || name === '0'
    ? [
        {
          controlId: 'MOAT-IMG-001',
          instruction: user,
          message: `final stage runs as ${user.text.trim()}`,
        },
      ]
    : [];
};

const addFromUrl: Check = (file) =>
  all(file, 'ADD')
    .filter((i) => !i.flags.has('checksum'))
    .filter((i) =>
      i.text
        .split(/\s+/)
        .slice(0, -1)
        .some((s) => /^(https?|git):\/\/|^git@/.test(s)),
    )
    .map((i) => ({
      controlId: 'MOAT-IMG-002',
      instruction: i,
      message: `ADD downloads ${i.text.split(/\s+/)[0]}`,
    }));

/** Bases that are external images (not `scratch`, not an earlier stage). */
function externalBases(file: ParsedDockerfile): Stage[] {
  const names = new Set<string>();
  const out: Stage[] = [];
  for (const stage of file.stages) {
    if (stage.base !== 'scratch' && !names.has(stage.base.toLowerCase())) {
      out.push(stage);
    }

    if (stage.name !== undefined) {
      names.add(stage.name.toLowerCase());
    }
  }

  return out;
}

const baseDigest: Check = (file) =>
  externalBases(file)
    .filter((s) => !isDigestPinned(s.base))
    .map((s) => ({
      controlId: 'MOAT-IMG-003',
      instruction: s.instructions[0] as Instruction,
      message: `base image ${s.base || s.from} is not pinned by digest`,
    }));

const baseTag: Check = (file) =>
  externalBases(file)
    .filter((s) => {
      const { tag, digest } = splitImage(s.base);
      return digest === undefined && (tag === undefined || tag === 'latest');
    })
    .map((s) => ({
      controlId: 'MOAT-IMG-004',
      instruction: s.instructions[0] as Instruction,
      message: `base image ${s.base || s.from} has no version tag`,
    }));

const unpinned: Check = (file) =>
  all(file, 'RUN').flatMap((i) => {
    const packages = shellCommands(i.text).flatMap((words) => unpinnedPackages(words) ?? []);
    return packages.length === 0
      ? []
      : [
          {
            controlId: 'MOAT-IMG-005',
            instruction: i,
            message: `unpinned packages: ${packages.join(', ')}`,
          },
        ];
  });

const secrets: Check = (file) =>
  [...file.globalArgs, ...all(file, 'ARG'), ...all(file, 'ENV')].flatMap((i) =>
    i.properties
      .filter((p) => SECRET_NAME.test(p.name) && (i.keyword === 'ARG' || (p.value ?? '') !== ''))
      .map((p) => ({
        controlId: 'MOAT-IMG-006',
        instruction: i,
        message: `${i.keyword} ${p.name} looks like a secret`,
      })),
  );

const healthcheck: Check = (file) => {
  const stage = finalStage(file);
  if (stage === undefined) {
    return [];
  }

  const check = stage.instructions.filter((i) => i.keyword === 'HEALTHCHECK').pop();
  if (check !== undefined && check.text.trim().toUpperCase() !== 'NONE') {
    return [];
  }

  return [
    {
      controlId: 'MOAT-IMG-007',
      instruction: check ?? (stage.instructions[0] as Instruction),
      message: 'final stage has no HEALTHCHECK',
    },
  ];
};

const aptLists: Check = (file) =>
  all(file, 'RUN')
    .filter((i) => shellCommands(i.text).some(isAptInstall))
    .filter((i) => !/rm\s+-(rf|fr)\s+\/var\/lib\/apt\/lists/.test(i.text))
    .filter((i) => !/^type=cache,.*target=\/var\/lib\/apt/.test(i.flags.get('mount') ?? ''))
    .map((i) => ({
      controlId: 'MOAT-IMG-008',
      instruction: i,
      message: 'apt-get install leaves /var/lib/apt/lists behind',
    }));

const updateAlone: Check = (file) =>
  all(file, 'RUN')
    .filter((i) => {
      const commands = shellCommands(i.text);
      return (
        commands.some(isIndexUpdate) && !commands.some((w) => unpinnedPackages(w) !== undefined)
      );
    })
    .map((i) => ({
      controlId: 'MOAT-IMG-009',
      instruction: i,
      message: 'package index updated without an install in the same RUN',
    }));

export const DOCKERFILE_CHECKS: ReadonlyMap<string, Check> = new Map([
  ['MOAT-IMG-001', runsAsRoot],
  ['MOAT-IMG-002', addFromUrl],
  ['MOAT-IMG-003', baseDigest],
  ['MOAT-IMG-004', baseTag],
  ['MOAT-IMG-005', unpinned],
  ['MOAT-IMG-006', secrets],
  ['MOAT-IMG-007', healthcheck],
  ['MOAT-IMG-008', aptLists],
  ['MOAT-IMG-009', updateAlone],
]);
