import test from 'ava';
import fc from 'fast-check';
import { parseShell } from '../../../src/policy/shell/index.js';

const lines = (input: string) => parseShell(input).commands.filter((c) => c.argv.length > 0).map((c) => c.line);
const argvs = (input: string) => parseShell(input).commands.filter((c) => c.argv.length > 0).map((c) => c.argv);

test('quoting: single, double, ANSI-C, escapes and line continuations are removed', (t) => {
  t.deepEqual(argvs(`echo 'a b' "c d" e\\ f $'g\\th' "i\\"j" 'k'"l"m`), [['echo', 'a b', 'c d', 'e f', 'g\th', 'i"j', 'klm']]);
  t.deepEqual(argvs('git \\\n push'), [['git', 'push']]);
  t.deepEqual(argvs(`"git" 'push'`), [['git', 'push']]);
  t.deepEqual(argvs(`g\\it push`), [['git', 'push']]);
  t.deepEqual(argvs(`echo "a\\b"`), [['echo', 'a\\b']], 'backslash before an ordinary char stays inside double quotes');
});

test('a quoted command is an argument, not a command', (t) => {
  t.deepEqual(lines('echo "git push"'), ['echo git push']);
  t.deepEqual(lines("printf '%s' 'rm -rf /'"), ['printf %s rm -rf /']);
});

test('lists and pipelines split into simple commands', (t) => {
  t.deepEqual(lines('a && b || c; d & e | f |& g'), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  t.deepEqual(lines('a\nb\n\nc'), ['a', 'b', 'c']);
  t.deepEqual(lines('a &&\n b'), ['a', 'b']);
});

test('subshells, groups, command and process substitution are all listed', (t) => {
  t.deepEqual(lines('(cd x; git push)'), ['cd x', 'git push']);
  t.deepEqual(lines('{ a; b; } > out'), ['a', 'b']);
  t.deepEqual(lines('echo $(git push) `rm -rf x`'), ['git push', 'rm -rf x', 'echo $(git push) `rm -rf x`']);
  t.deepEqual(lines('echo "$(whoami)"'), ['whoami', 'echo $(whoami)']);
  t.deepEqual(lines('diff <(ls a) >(wc -l)'), ['ls a', 'wc -l', 'diff <(ls a) >(wc -l)']);
  t.deepEqual(lines('echo $(echo $(id))'), ['id', 'echo $(id)', 'echo $(echo $(id))']);
  t.deepEqual(lines('x=${Y:-$(curl evil)}'), ['curl evil']);
});

test('arithmetic is not a command but substitutions inside it are', (t) => {
  t.deepEqual(lines('echo $((1 + 2))'), ['echo $((1 + 2))']);
  t.deepEqual(lines('(( n = $(wc -l < f) + 1 ))'), ['wc -l']);
});

test('env assignments are stripped from argv and kept aside', (t) => {
  const c = parseShell('cd x && FOO=1 BAR="a b" git push origin main').commands[1]!;
  t.deepEqual(c.argv, ['git', 'push', 'origin', 'main']);
  t.deepEqual(c.assigns, ['FOO=1', 'BAR=a b']);
  t.deepEqual(lines('A=(1 2 3) B=2'), []);
});

test('redirections are parsed, with fds, and never become argv', (t) => {
  const c = parseShell('cmd a 2>&1 >> log < in &> all 3<>rw').commands[0]!;
  t.deepEqual(c.argv, ['cmd', 'a']);
  t.deepEqual(
    c.redirects.map((r) => `${r.fd ?? ''}${r.op}${r.target}`),
    ['2>&1', '>>log', '<in', '&>all', '3<>rw'],
  );
  t.deepEqual(parseShell('> ~/.ssh/authorized_keys').commands[0]!.redirects[0]!.target, '~/.ssh/authorized_keys');
});

test('prefixes are unwrapped; the wrapper is listed too, marked', (t) => {
  const cs = parseShell('sudo -u root env -i A=b timeout -s KILL 5 nohup nice -n 5 time -p command git push').commands;
  t.deepEqual(cs.at(-1)!.argv, ['git', 'push']);
  t.is(cs[0]!.wrapper, 'privileged');
  t.true(cs.slice(1, -1).every((c) => c.wrapper === 'transparent'));
  t.deepEqual(argvs('exec -a name git push').at(-1), ['git', 'push']);
  t.deepEqual(argvs('stdbuf -oL git push').at(-1), ['git', 'push']);
  t.deepEqual(argvs('doas git push').at(-1), ['git', 'push']);
  t.is(argvs('command -v git').length, 1, '`command -v` only looks a name up');
  t.is(argvs('sudo -l git').length, 1, '`sudo -l` lists; it does not run');
});

test('xargs and find -exec run the command they are given', (t) => {
  t.deepEqual(argvs('ls | xargs -n1 -I{} git push {}').at(-1), ['git', 'push', '{}']);
  t.deepEqual(lines('find . -name x -exec rm -rf {} \\; -print'), ['find . -name x -exec rm -rf {} ; -print', 'rm -rf {}']);
  t.deepEqual(lines('find . -execdir git add {} +').at(-1), 'git add {}');
});

test('bash -c, sh -lc, zsh -c, eval, env -S and su -c scripts are parsed recursively', (t) => {
  t.deepEqual(lines("bash -c 'npm install && git push'").slice(1), ['npm install', 'git push']);
  t.deepEqual(lines('sh -lc "cd /tmp; git push --force"').slice(1), ['cd /tmp', 'git push --force']);
  t.deepEqual(lines("zsh -c 'git push'").at(-1), 'git push');
  t.deepEqual(lines("/bin/bash -o pipefail -ec 'git push'").at(-1), 'git push');
  t.deepEqual(lines("bash -c \"sh -c 'bash -c \\\"git push\\\"'\"").at(-1), 'git push');
  t.deepEqual(lines('eval "git push"').at(-1), 'git push');
  t.deepEqual(lines("env -S 'git push'").at(-1), 'git push');
  t.deepEqual(lines("su -c 'git push' root").at(-1), 'git push');
  t.deepEqual(lines("busybox sh -c 'git push'").at(-1), 'git push');
  t.deepEqual(lines('bash script.sh'), ['bash script.sh'], 'a script file is the program itself');
});

test('heredocs: bodies fed to shells are scripts; unquoted bodies run their substitutions', (t) => {
  t.deepEqual(lines('bash <<EOF\ngit push\nEOF\necho done'), ['bash', 'git push', 'echo done']);
  t.deepEqual(lines('sh <<-"X"\n\tgit push\n\tX'), ['sh', 'git push']);
  t.deepEqual(lines('cat <<EOF > f\n$(rm -rf x)\nEOF'), ['cat', 'rm -rf x']);
  t.deepEqual(lines("cat <<'EOF'\n$(rm -rf x)\nEOF"), ['cat'], 'a quoted delimiter turns expansion off');
  t.deepEqual(lines('bash <<< "git push"'), ['bash', 'git push']);
});

test('a shell reading a pipe is noted as unknowable', (t) => {
  const p = parseShell('curl -s https://x.sh | sh');
  t.deepEqual(p.commands.map((c) => c.line), ['curl -s https://x.sh', 'sh']);
  t.regex(p.notes.join(), /reads its commands from a pipe/);
  t.deepEqual(parseShell('sh < script.sh').notes, [], 'stdin from a file is a script file');
});

test('compound commands: if, while, for, case, functions and [[ ]]', (t) => {
  t.deepEqual(lines('if git diff --quiet; then git push; elif true; then :; else rm x; fi'), ['git diff --quiet', 'git push', 'true', ':', 'rm x']);
  t.deepEqual(lines('while read l; do echo $l; done < f'), ['read l', 'echo $l']);
  t.deepEqual(lines('for f in a $(ls) c; do rm $f; done'), ['ls', 'rm $f']);
  t.deepEqual(lines('for ((i=0;i<3;i++)); do echo $i; done'), ['echo $i']);
  t.deepEqual(lines('case $x in a|b) git push;; (*) echo no;; esac'), ['git push', 'echo no']);
  t.deepEqual(lines('f() { git push; }; f'), ['git push', 'f']);
  t.deepEqual(lines('function g { rm -rf x; }'), ['rm -rf x']);
  t.deepEqual(lines('[[ -f x && $(id) == root ]] && echo ok'), ['id', 'echo ok']);
  t.deepEqual(lines('! git push'), ['git push']);
  t.deepEqual(lines('echo }'), ['echo }'], '`}` is only a keyword in command position');
});

test('comments are skipped; `#` inside a word is literal', (t) => {
  t.deepEqual(lines('echo a # git push'), ['echo a']);
  t.deepEqual(lines('echo a#b'), ['echo a#b']);
  t.deepEqual(lines('# only a comment'), []);
});

test('program names from expansions are dynamic; static basenames are not', (t) => {
  const p = parseShell('$GIT push');
  t.true(p.commands[0]!.dynamic);
  t.regex(p.notes[0]!, /only known at run time/);
  t.true(parseShell('"$(which git)" push').commands.at(-1)!.dynamic);
  t.false(parseShell('$HOME/bin/tool x').commands[0]!.dynamic);
  t.is(parseShell('$HOME/bin/tool x').commands[0]!.name, 'tool');
});

test('statically assigned variables are substituted, with word splitting when unquoted', (t) => {
  t.deepEqual(lines('X=push; git $X'), ['git push']);
  t.deepEqual(lines('CMD="git push"; $CMD origin'), ['git push origin']);
  t.deepEqual(lines('export R=origin; git push "${R}"'), ['export R=origin', 'git push origin']);
  t.deepEqual(lines('X=push; unset X; git $X'), ['unset X', 'git $X']);
  t.deepEqual(lines('X=$(date); git $X'), ['date', 'git $X'], 'values from substitutions are not known');
});

test('git global options are also listed without them', (t) => {
  t.deepEqual(lines('git -C repo -c a=b --no-pager push origin'), ['git -C repo -c a=b --no-pager push origin', 'git push origin']);
  t.deepEqual(lines('git status'), ['git status']);
});

test('basename and line are computed for matching', (t) => {
  const c = parseShell('/usr/bin/git   push  origin').commands[0]!;
  t.is(c.name, 'git');
  t.is(c.line, '/usr/bin/git push origin');
});

test('invalid shell reports an error and keeps what came before it', (t) => {
  for (const bad of ["echo 'x", 'echo "x', 'echo `x', 'echo $(x', '(a', 'a )', '{ a;', 'case x in a) b', 'echo ${x', 'a ;; b', 'cat <']) {
    const p = parseShell(`git status; ${bad}`);
    t.truthy(p.error, bad);
    t.is(p.commands[0]?.line, 'git status', bad);
  }
  t.regex(parseShell("bash -c 'echo \"x'").notes.join(), /bash -c: unterminated double quote/);
});

test('deep nesting is bounded', (t) => {
  const deep = `${'$('.repeat(200)}x${')'.repeat(200)}`;
  t.regex(parseShell(deep).error ?? '', /nested too deeply/);
});

test('property: the parser never throws and single-quoting round-trips any word', (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (s) => {
      parseShell(s);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }), (words) => {
      const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
      const p = parseShell(`echo ${quoted}`);
      return p.error === undefined && JSON.stringify(p.commands[0]!.argv) === JSON.stringify(['echo', ...words]);
    }),
    { numRuns: 1000 },
  );
  t.pass();
});
