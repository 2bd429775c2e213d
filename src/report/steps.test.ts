import { describe, expect, it } from 'vitest';
import { describeStep } from './steps.js';

describe('describeStep', () => {
  it.each([
    ['/bin/sh -c #(nop) ADD file:0a1b in / ', 'ADD file:0a1b in /'],
    ['/bin/sh -c #(nop)  CMD ["bash"]', 'CMD ["bash"]'],
    ['/bin/sh -c apt-get update &&     apt-get install -y curl',
      'RUN apt-get update && apt-get install -y curl'],
    ['RUN /bin/sh -c npm ci # buildkit', 'RUN npm ci'],
    ['COPY . /app # buildkit', 'COPY . /app'],
    ['WORKDIR /app', 'WORKDIR /app'],
    ['RUN |2 A=1 B=2 /bin/sh -c make\n\tinstall', 'RUN |2 A=1 B=2 /bin/sh -c make install'],
    [undefined, ''],
  ])('shortens %j to %j', (createdBy, expected) => {
    expect(describeStep(createdBy)).toBe(expected);
  });
});
