import { describe, expect, it } from '@jest/globals';
import { effectiveCommand, parseShell, runScriptOf } from '../src/workflows/shell.js';
import { parseWorkflow } from '../src/workflows/parse.js';
import { get, stepsOf } from '../src/workflows/walk.js';

/** Each pipeline as its stages' words. */
function shape(script: string): string[][][] {
  return parseShell(script).map((p) => p.commands.map((c) => c.words.map((w) => w.value)));
}

describe('parseShell', () => {
  const cases: { name: string; script: string; expected: string[][][] }[] = [
    {
      name: 'newlines and separators',
      script: 'uv sync\nuv run pytest; echo ok && ls || true',
      expected: [[['uv', 'sync']], [['uv', 'run', 'pytest']], [['echo', 'ok']], [['ls']], [['true']]],
    },
    {
      name: 'a pipeline',
      script: 'curl -sSf https://x | sudo sh -s -- -y',
      expected: [
        [
          ['curl', '-sSf', 'https://x'],
          ['sudo', 'sh', '-s', '--', '-y'],
        ],
      ],
    },
    { name: 'line continuations', script: 'uv sync \\\n  --locked \\\n  --all-extras', expected: [[['uv', 'sync', '--locked', '--all-extras']]] },
    { name: 'quotes', script: `pip install "foo==1.0" 'bar baz' "a\\"b"`, expected: [[['pip', 'install', 'foo==1.0', 'bar baz', 'a"b']]] },
    { name: 'comments', script: '# uv sync\nuv run x # uv sync', expected: [[['uv', 'run', 'x']]] },
    { name: 'a hash inside a word is not a comment', script: 'echo a#b', expected: [[['echo', 'a#b']]] },
    {
      name: 'expressions with spaces stay one word',
      script: 'uv run --python ${{ matrix.python }} pytest',
      expected: [[['uv', 'run', '--python', '${{ matrix.python }}', 'pytest']]],
    },
    { name: 'keywords before commands', script: 'if uv sync; then\n  echo ok\nfi', expected: [[['uv', 'sync']], [['echo', 'ok']]] },
    { name: 'for lists are not commands', script: 'for p in a b; do\n  pip install $p\ndone', expected: [[['pip', 'install', '$p']]] },
    {
      name: 'here-document bodies are skipped',
      script: "cat <<'EOF' > x.py\nimport os; os.system('uv sync')\nEOF\nuv run x.py",
      expected: [[['cat']], [['uv', 'run', 'x.py']]],
    },
    { name: 'a here-string is not a here-document', script: 'grep x <<< "$y"\nuv sync', expected: [[['grep', 'x']], [['uv', 'sync']]] },
    { name: 'subshells split', script: '(cd a && uv sync)', expected: [[['cd', 'a']], [['uv', 'sync']]] },
    { name: 'redirections are dropped', script: 'uv export > req.txt 2>&1', expected: [[['uv', 'export']]] },
    { name: 'an unterminated quote ends at the end', script: 'echo "abc', expected: [[['echo', 'abc']]] },
    { name: 'empty', script: '', expected: [] },
  ];
  it.each(cases)('$name', ({ script, expected }) => {
    expect(shape(script)).toEqual(expected);
  });

  it('records substitutions', () => {
    const [pipeline] = parseShell('sh -c "$(curl -fsSL https://x)"');
    expect(pipeline.commands[0].substitutions).toEqual(['curl -fsSL https://x']);
    const [process] = parseShell('bash <(curl -s https://y)');
    expect(process.commands[0].substitutions).toEqual(['curl -s https://y']);
    expect(process.commands[0].words.map((w) => w.value)).toEqual(['bash', '<(curl -s https://y)']);
  });

  it('keeps leading assignments apart', () => {
    const [pipeline] = parseShell('UV_FROZEN=1 FOO="a b" uv sync');
    expect([...pipeline.commands[0].assignments]).toEqual([
      ['UV_FROZEN', '1'],
      ['FOO', 'a b'],
    ]);
    expect(pipeline.commands[0].words.map((w) => w.value)).toEqual(['uv', 'sync']);
  });

  it('notes output redirected to a file', () => {
    const [pipeline] = parseShell('curl -s https://x > install.sh');
    expect(pipeline.commands[0].redirectsOutput).toBe(true);
    const [other] = parseShell('curl -s https://x 2>/dev/null | sh');
    expect(other.commands[0].redirectsOutput).toBe(false);
  });

  it('never throws and always terminates on odd input', () => {
    const odd = ['$(', '`', '<<', '<<EOF', '"$(', "'", '\\', '((((', '))))', '${{', '&>&>&>', '2>', '|||', ';;;', 'a\\', '$(echo "$(echo `x`)")'];
    for (const script of odd) expect(() => parseShell(script)).not.toThrow();
  });
});

describe('effectiveCommand', () => {
  const cases: [string, string, string[]][] = [
    ['sudo -E uv sync', 'uv', ['sync']],
    ['env UV_FROZEN=1 uv sync', 'uv', ['sync']],
    ['timeout 60 uv run x', 'uv', ['run', 'x']],
    ['sudo -u root env A=1 time pip install x', 'pip', ['install', 'x']],
    ['/usr/bin/python3 -m pip install x', 'python3', ['-m', 'pip', 'install', 'x']],
  ];
  it.each(cases)('%s', (script, name, args) => {
    const command = effectiveCommand(parseShell(script)[0].commands[0]);
    expect(command.name).toBe(name);
    expect(command.args.map((w) => w.value)).toEqual(args);
  });
  it('collects env assignments', () => {
    expect(effectiveCommand(parseShell('env UV_FROZEN=1 uv sync')[0].commands[0]).env.get('UV_FROZEN')).toBe('1');
  });
});

describe('runScriptOf', () => {
  function scriptOf(text: string, index = 0) {
    const outcome = parseWorkflow('.github/workflows/a.yml', 'workflow', text);
    if (!outcome.ok) throw new Error(outcome.problem.message);
    const step = stepsOf(outcome.workflow)[index];
    const run = runScriptOf(outcome.workflow, get(step.node, 'run'));
    if (!run) throw new Error('no run');
    return run;
  }
  const head = 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n';

  it('maps a literal block line for line, starting after the | line', () => {
    const run = scriptOf(head + '      - run: |\n          echo one\n\n          uv sync\n');
    const [, second] = parseShell(run.script);
    expect(run.lineAt(second.commands[0].offset)).toBe(9);
    expect(run.lineAt(0)).toBe(7);
  });

  it('folds a > block and keeps each piece on its line', () => {
    const run = scriptOf(head + '      - run: >\n          uv sync\n          --frozen\n\n          uv run x\n');
    expect(shape(run.script)).toEqual([[['uv', 'sync', '--frozen']], [['uv', 'run', 'x']]]);
    const [first, second] = parseShell(run.script);
    expect(run.lineAt(first.commands[0].offset)).toBe(7);
    expect(run.lineAt(second.commands[0].offset)).toBe(10);
    expect(run.lineAt(first.commands[0].words[2].offset)).toBe(8);
  });

  it('puts a plain one-line run on its own line', () => {
    const run = scriptOf(head + '      - name: x\n        run: uv sync\n');
    expect(run.lineAt(0)).toBe(7);
  });
});
