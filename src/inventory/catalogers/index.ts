// The registry of catalogers: every package format Moat reads, listed explicitly.
import type { Cataloger } from '../cataloger.js';
import { apkCataloger } from './apk/cataloger.js';
import { dpkgCataloger } from './dpkg/cataloger.js';
import { goBinaryCataloger } from './go/cataloger.js';
import { javaArchiveCataloger } from './java/cataloger.js';
import { npmCataloger } from './npm/cataloger.js';
import { pythonCataloger } from './python/cataloger.js';
import { rpmCataloger } from './rpm/cataloger.js';

/** The catalogers a scan runs by default, in a fixed order. */
export function defaultCatalogers(): Cataloger[] {
  return [
    dpkgCataloger,
    apkCataloger,
    rpmCataloger,
    npmCataloger,
    pythonCataloger,
    goBinaryCataloger,
    javaArchiveCataloger,
  ];
}
