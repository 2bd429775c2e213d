// Judges Dockerfiles against the image-build controls.
import type { Control } from '../catalog/control.js';
import { sortFindings, type AuditNote, type AuditReport, type PostureFinding } from '../finding.js';
import type { InputFile } from '../inputs.js';
import { DOCKERFILE_CHECKS } from './checks.js';
import { MAX_INSTRUCTIONS, parseDockerfile } from './parse.js';

export function auditDockerfiles(inputs: InputFile[], catalog: Map<string, Control>): AuditReport {
  const controls = [...catalog.values()].filter((c) => c.target === 'dockerfile');
  const notes: AuditNote[] = [];
  const findings: PostureFinding[] = [];
  let subjects = 0;
  for (const input of inputs) {
    const parsed = parseDockerfile(input.text);
    if (parsed.stages.length === 0) {
      notes.push({
        level: 'error',
        file: input.file,
        message: 'no FROM instruction; not a Dockerfile',
      });
      continue;
    }

    const count = parsed.stages.reduce(
      (n, s) => n + s.instructions.length,
      parsed.globalArgs.length,
    );
    if (count >= MAX_INSTRUCTIONS) {
      notes.push({
        level: 'warning',
        file: input.file,
        message: `only the first ${MAX_INSTRUCTIONS} instructions were judged`,
      });
    }

    subjects += 1;
    for (const control of controls) {
      for (const v of DOCKERFILE_CHECKS.get(control.id)?.(parsed) ?? []) {
        findings.push({
          controlId: control.id,
          severity: control.severity,
          title: control.title,
          subject: { kind: 'Dockerfile', name: input.file },
          path: `instruction ${v.instruction.index + 1} (${v.instruction.keyword})`,
          file: input.file,
          line: v.instruction.line,
          message: v.message,
          fix: control.remediation,
        });
      }
    }
  }

  return {
    target: 'dockerfile',
    standard: 'moat',
    controls: controls.map((c) => c.id),
    subjects,
    findings: sortFindings(findings),
    notes,
  };
}
