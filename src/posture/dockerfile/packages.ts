// Finds package installs in a RUN command and the packages named without a version.
// Limitation: yum/dnf/zypper installs are not judged (their version syntax cannot be told from
// a package name by text alone); shell functions and variables are not expanded.

/** Shell commands of a RUN body, split at `&&`, `||`, `;`, `|` and newlines. */
export function shellCommands(text: string): string[][] {
  return text
    .split(/&&|\|\||;|\||\n/)
    .map((cmd) =>
      cmd
        .trim()
        .split(/\s+/)
        .filter((w) => w !== '' && w !== '\\')
        .map((w) => w.replace(/^["']|["']$/g, '')),
    )
    .filter((words) => words.length > 0);
}

const FLAGS_WITH_VALUE = new Set([
  '-t',
  '--virtual',
  '-X',
  '--repository',
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-o',
  '--option',
  '--target',
  '-i',
  '--index-url',
]);

function operands(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (FLAGS_WITH_VALUE.has(word)) {
      i += 1;
    } else if (!word.startsWith('-')) {
      out.push(word);
    }
  }

  return out;
}

/** Skips `sudo`, `env X=Y` and similar prefixes. */
function program(words: string[]): { name: string; rest: string[] } {
  let i = 0;
  while (
    i < words.length &&
    (words[i] === 'sudo' || words[i] === 'env' || /^[A-Z_]+=/.test(words[i] ?? ''))
  ) {
    i += 1;
  }

  return { name: words[i] ?? '', rest: words.slice(i + 1) };
}

/** Packages of an install command named without a version, or undefined if not an install. */
export function unpinnedPackages(words: string[]): string[] | undefined {
  const { name, rest } = program(words);
  const sub = rest.find((w) => !w.startsWith('-'));
  const after = rest.slice(rest.indexOf(sub ?? '') + 1);
  if ((name === 'apt-get' || name === 'apt') && sub === 'install') {
    return operands(after).filter((p) => !p.includes('=') && !p.endsWith('.deb'));
  }

  if (name === 'apk' && sub === 'add') {
    return operands(after).filter((p) => !p.includes('='));
  }

  if (/^pip[0-9.]*$/.test(name) && sub === 'install') {
    return operands(after).filter((p) => !/[=<>~]=|@|^\.|\/|\.whl$/.test(p));
  }

  if (
    name === 'npm' &&
    (sub === 'install' || sub === 'i') &&
    (rest.includes('-g') || rest.includes('--global'))
  ) {
    return operands(after).filter((p) => !/^@?[^@]+@./.test(p));
  }

  return undefined;
}

export function isIndexUpdate(words: string[]): boolean {
  const { name, rest } = program(words);
  const sub = rest.find((w) => !w.startsWith('-'));
  return (
    ['apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf', 'zypper'].includes(name) &&
    (sub === 'update' || sub === 'refresh')
  );
}

export function isAptInstall(words: string[]): boolean {
  const { name, rest } = program(words);
  return (
    (name === 'apt-get' || name === 'apt') && rest.find((w) => !w.startsWith('-')) === 'install'
  );
}
