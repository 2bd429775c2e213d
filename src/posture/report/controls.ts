// `moat audit controls`: the catalog for people (one line per control) or as JSON.
import { PSS_VERSION, type Control } from '../catalog/control.js';

export function renderControls(catalog: Map<string, Control>, format: 'table' | 'json'): string {
  const controls = [...catalog.values()];
  if (format === 'json') {
    return `${JSON.stringify({ pssVersion: PSS_VERSION, controls }, null, 2)}\n`;
  }

  const lines = controls.map((c) => {
    const pss = c.references.pss === undefined ? '' : `  [PSS ${c.references.pss.level}]`;
    return `${c.id}  ${c.severity.padEnd(8)}  ${c.target.padEnd(10)}  ${c.title}${pss}`;
  });
  const footer = `${controls.length} controls (Pod Security Standards ${PSS_VERSION})`;
  return `${lines.join('\n')}\n${footer}\n`;
}
