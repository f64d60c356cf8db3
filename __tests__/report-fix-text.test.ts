/**
 * fix-text: a finding's `fix` split into prose, code and blocks, tested on the fix texts the rules
 * really write (collected by running every fixture through the CLI, plus the online-only rules'
 * shapes from their sources). Notation: ⟦code⟧, ⟪block⟫, ⏎ a line break, anything else prose.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fixSegments, primaryCommand, type FixSegment } from '../src/report/fix-text.js';

function shape(segments: FixSegment[]): string {
  return segments.map((s) => (s.kind === 'break' ? '⏎' : s.kind === 'text' ? s.text : s.kind === 'code' ? `⟦${s.text}⟧` : `⟪${s.text}⟫`)).join('');
}

/** [rule, fix as the rule writes it, the segments]. */
const REAL_FIXES: [string, string, string][] = [
  [
    'cooldown',
    'Re-resolve it under the project\'s settings: uv lock --upgrade-package httpx. If this file is needed now, give the package its own cutoff in pyproject.toml:\n[tool.uv.exclude-newer-package]\n"httpx" = "2026-07-15T08:00:01Z"',
    'Re-resolve it under the project\'s settings: ⟦uv lock --upgrade-package httpx⟧. If this file is needed now, give the package its own cutoff in pyproject.toml:⟪[tool.uv.exclude-newer-package]\n"httpx" = "2026-07-15T08:00:01Z"⟫',
  ],
  [
    'cooldown',
    'Wait until 2026-11-30 09:15 UTC and re-run; or keep the previous version: uv lock --upgrade-package idna==3.15; or, if this release cannot wait, exempt it with a reason and an expiry:\n.github/lockgate.yml:\ncooldown:\n  exempt:\n    - package: idna\n      until: 2026-11-30\n      reason: <why this release cannot wait>',
    'Wait until 2026-11-30 09:15 UTC and re-run; or keep the previous version: ⟦uv lock --upgrade-package idna==3.15⟧; or, if this release cannot wait, exempt it with a reason and an expiry:⏎⟦.github/lockgate.yml⟧:⟪cooldown:\n  exempt:\n    - package: idna\n      until: 2026-11-30\n      reason: <why this release cannot wait>⟫',
  ],
  [
    'cooldown',
    'Wait until 2026-11-30 09:15 UTC and re-run; or leave it out of this change; or, if this release cannot wait, exempt it with a reason and an expiry:\n.github/lockgate.yml:\ncooldown:\n  exempt:\n    - package: idna\n      until: 2026-11-30\n      reason: <why this release cannot wait>',
    'Wait until 2026-11-30 09:15 UTC and re-run; or leave it out of this change; or, if this release cannot wait, exempt it with a reason and an expiry:⏎⟦.github/lockgate.yml⟧:⟪cooldown:\n  exempt:\n    - package: idna\n      until: 2026-11-30\n      reason: <why this release cannot wait>⟫',
  ],
  [
    'unpinned-requirement',
    'Replace it with "httpx==0.28.1" (0.28.1 is the locked version), or run: uv add httpx==0.28.1',
    'Replace it with "httpx==0.28.1" (0.28.1 is the locked version), or run: ⟦uv add httpx==0.28.1⟧',
  ],
  [
    'unpinned-requirement',
    'Replace it with "rich==<version>", or run: uv add "rich==<version>"',
    'Replace it with "rich==<version>", or run: ⟦uv add "rich==<version>"⟧',
  ],
  [
    'unpinned-requirement',
    'Replace it with "fastapi[standard]==0.112.1" (0.112.1 is the locked version), or run: uv add "fastapi[standard]==0.112.1"',
    'Replace it with "fastapi[standard]==0.112.1" (0.112.1 is the locked version), or run: ⟦uv add "fastapi[standard]==0.112.1"⟧',
  ],
  [
    'add-bounds-not-exact',
    'Add to pyproject.toml (uv 0.10.0 or later):\n[tool.uv]\nadd-bounds = "exact"',
    'Add to pyproject.toml (uv 0.10.0 or later):⟪[tool.uv]\nadd-bounds = "exact"⟫',
  ],
  ['add-bounds-not-exact', 'Add to uv.toml (uv 0.10.0 or later):\nadd-bounds = "exact"', 'Add to uv.toml (uv 0.10.0 or later):⟪add-bounds = "exact"⟫'],
  [
    'add-bounds-not-exact',
    'Add to pyproject.toml (replacing the current value) (uv 0.10.0 or later):\n[tool.uv]\nadd-bounds = "exact"',
    'Add to pyproject.toml (replacing the current value) (uv 0.10.0 or later):⟪[tool.uv]\nadd-bounds = "exact"⟫',
  ],
  [
    'exclude-newer-missing',
    'Add to pyproject.toml:\n[tool.uv]\nexclude-newer = "7 days"\nrequired-version = ">=0.9.17"  # relative exclude-newer needs uv 0.9.17 or later\nthen run: uv lock',
    'Add to pyproject.toml:⟪[tool.uv]\nexclude-newer = "7 days"\nrequired-version = ">=0.9.17"  # relative exclude-newer needs uv 0.9.17 or later⟫then run: ⟦uv lock⟧',
  ],
  [
    'exclude-newer-missing',
    'Add to uv.toml:\nexclude-newer = "7 days"\nrequired-version = ">=0.9.17"  # relative exclude-newer needs uv 0.9.17 or later\nthen run: uv lock',
    'Add to uv.toml:⟪exclude-newer = "7 days"\nrequired-version = ">=0.9.17"  # relative exclude-newer needs uv 0.9.17 or later⟫then run: ⟦uv lock⟧',
  ],
  [
    'exclude-newer-missing',
    'Add to pyproject.toml:\n[tool.uv]\nexclude-newer = "7 days"\nthen run: uv lock',
    'Add to pyproject.toml:⟪[tool.uv]\nexclude-newer = "7 days"⟫then run: ⟦uv lock⟧',
  ],
  [
    'unpinned-git-source',
    'Pin it to a commit (or a tag) in pyproject.toml:\n[tool.uv.sources]\ngitdep = { git = "https://github.com/example/gitdep", rev = "0123456789abcdef0123456789abcdef01234567" }',
    'Pin it to a commit (or a tag) in pyproject.toml:⟪[tool.uv.sources]\ngitdep = { git = "https://github.com/example/gitdep", rev = "0123456789abcdef0123456789abcdef01234567" }⟫',
  ],
  [
    'unpinned-git-source',
    'Replace it with "direct @ git+https://github.com/example/direct.git@<full commit SHA>"',
    'Replace it with "direct @ git+https://github.com/example/direct.git@<full commit SHA>"',
  ],
  [
    'unpinned-git-source',
    'Pin it to a commit (or a tag) in pyproject.toml:\n[tool.uv.sources]\nonbranch = { git = "https://github.com/example/onbranch.git", rev = "89abcdef0123456789abcdef0123456789abcdef", subdirectory = "pkg" }',
    'Pin it to a commit (or a tag) in pyproject.toml:⟪[tool.uv.sources]\nonbranch = { git = "https://github.com/example/onbranch.git", rev = "89abcdef0123456789abcdef0123456789abcdef", subdirectory = "pkg" }⟫',
  ],
  [
    'cooldown-unverified',
    'Review the commit before merging; if it is trusted, record that with an exemption:\n.github/lockgate.yml:\ncooldown:\n  exempt:\n    - package: gitdep\n      until: 2026-12-03\n      reason: <who reviewed it, and why it is trusted>',
    'Review the commit before merging; if it is trusted, record that with an exemption:⏎⟦.github/lockgate.yml⟧:⟪cooldown:\n  exempt:\n    - package: gitdep\n      until: 2026-12-03\n      reason: <who reviewed it, and why it is trusted>⟫',
  ],
  [
    'cooldown-unverified',
    'Review the archive at that URL before merging; if it is trusted, record that with an exemption:\n.github/lockgate.yml:\ncooldown:\n  exempt:\n    - package: urldep\n      until: 2026-12-03\n      reason: <who reviewed it, and why it is trusted>',
    'Review the archive at that URL before merging; if it is trusted, record that with an exemption:⏎⟦.github/lockgate.yml⟧:⟪cooldown:\n  exempt:\n    - package: urldep\n      until: 2026-12-03\n      reason: <who reviewed it, and why it is trusted>⟫',
  ],
  [
    'cooldown-unverified',
    'Run lockgate online so it can ask the index. Re-locking with uv >= 0.6.15 from an index that serves upload times records them: uv lock --refresh. Check the upload date at https://pypi.org/project/anyio/ and, if it is younger than 7 days, wait or keep the previous version. To accept it as is:\n.github/lockgate.yml:\ncooldown:\n  exempt:\n    - package: anyio\n      until: 2026-12-03\n      reason: <why this release cannot wait>',
    'Run lockgate online so it can ask the index. Re-locking with uv >= 0.6.15 from an index that serves upload times records them: ⟦uv lock --refresh⟧. Check the upload date at https://pypi.org/project/anyio/ and, if it is younger than 7 days, wait or keep the previous version. To accept it as is:⏎⟦.github/lockgate.yml⟧:⟪cooldown:\n  exempt:\n    - package: anyio\n      until: 2026-12-03\n      reason: <why this release cannot wait>⟫',
  ],
  [
    'unpinned-uses',
    'actions/checkout@<sha> # v4, with the sha from: gh api repos/actions/checkout/commits/v4 --jq .sha   (or: git ls-remote https://github.com/actions/checkout v4)',
    '⟦actions/checkout@<sha> # v4⟧, with the sha from: ⟦gh api repos/actions/checkout/commits/v4 --jq .sha⟧   (or: ⟦git ls-remote https://github.com/actions/checkout v4⟧)',
  ],
  [
    'unpinned-uses',
    'pypa/gh-action-pypi-publish@<sha> # release/v1, with the sha from: gh api repos/pypa/gh-action-pypi-publish/commits/release/v1 --jq .sha   (or: git ls-remote https://github.com/pypa/gh-action-pypi-publish release/v1)',
    '⟦pypa/gh-action-pypi-publish@<sha> # release/v1⟧, with the sha from: ⟦gh api repos/pypa/gh-action-pypi-publish/commits/release/v1 --jq .sha⟧   (or: ⟦git ls-remote https://github.com/pypa/gh-action-pypi-publish release/v1⟧)',
  ],
  [
    'unpinned-uses',
    'Write owner/repo@<40-hex commit sha> # <tag>, or ./path for an action in this repository.',
    'Write owner/repo@<40-hex commit sha> # <tag>, or ./path for an action in this repository.',
  ],
  [
    'lock-out-of-sync',
    'Run `uv lock` and commit the updated uv.lock (CI should install with `uv sync --locked`).',
    'Run ⟦uv lock⟧ and commit the updated uv.lock (CI should install with ⟦uv sync --locked⟧).',
  ],
  [
    'lock-out-of-sync',
    'Let CI run `uv lock --check` (or `uv sync --locked`), which decides it; ignore this notice if it does.',
    'Let CI run ⟦uv lock --check⟧ (or ⟦uv sync --locked⟧), which decides it; ignore this notice if it does.',
  ],
  [
    'typosquat',
    'If you meant "requests": replace "reqeusts" with "requests" in pyproject.toml, or run `uv remove reqeusts && uv add requests`. If "reqeusts" is the package you want, add it to typosquat.allow in .github/lockgate.yml.',
    'If you meant "requests": replace "reqeusts" with "requests" in pyproject.toml, or run ⟦uv remove reqeusts && uv add requests⟧. If "reqeusts" is the package you want, add it to typosquat.allow in .github/lockgate.yml.',
  ],
  [
    'typosquat',
    '"urllib" is pulled in by another package: `uv tree --invert --package urllib` shows which one; replace that with the package you meant. If "urllib" is the package you want, add it to typosquat.allow in .github/lockgate.yml.',
    '"urllib" is pulled in by another package: ⟦uv tree --invert --package urllib⟧ shows which one; replace that with the package you meant. If "urllib" is the package you want, add it to typosquat.allow in .github/lockgate.yml.',
  ],
  ['uv-unlocked', 'uv sync --locked; or set UV_LOCKED: "1" in the workflow\'s env', '⟦uv sync --locked⟧; or set UV_LOCKED: "1" in the workflow\'s env'],
  [
    'uv-unlocked',
    'uv run --locked pytest (for a PEP 723 script, write uv run --script instead); or set UV_LOCKED: "1" in the workflow\'s env',
    '⟦uv run --locked pytest⟧ (for a PEP 723 script, write uv run --script instead); or set UV_LOCKED: "1" in the workflow\'s env',
  ],
  [
    'uv-unlocked',
    'uv run --locked zensical build --clean (for a PEP 723 script, write uv run --script instead); or set UV_LOCKED: "1" in the workflow\'s env',
    '⟦uv run --locked zensical build --clean⟧ (for a PEP 723 script, write uv run --script instead); or set UV_LOCKED: "1" in the workflow\'s env',
  ],
  [
    'sdist-only',
    'Pick a version of "reqeusts" that publishes wheels, or make uv refuse to build it: add no-build-package = ["reqeusts"] under [tool.uv] in pyproject.toml (or no-build = true to refuse every build), then run `uv lock`.',
    'Pick a version of "reqeusts" that publishes wheels, or make uv refuse to build it: add no-build-package = ["reqeusts"] under [tool.uv] in pyproject.toml (or no-build = true to refuse every build), then run ⟦uv lock⟧.',
  ],
  [
    'downgrade',
    'If it is not intended, undo the change that lowered it (a tighter specifier, constraint or override) and run `uv lock --upgrade-package urllib3`.',
    'If it is not intended, undo the change that lowered it (a tighter specifier, constraint or override) and run ⟦uv lock --upgrade-package urllib3⟧.',
  ],
  [
    'source-changed',
    'If the move is not intended, remove the entry for idna from [tool.uv.sources] (or the index setting that moved it) and run `uv lock`. If it is, review the new source, then record the decision in the lockgate config:\nignore:\n  - rule: source-changed\n    package: "idna"\n    reason: <why this source is trusted>\n    until: <YYYY-MM-DD>',
    'If the move is not intended, remove the entry for idna from [tool.uv.sources] (or the index setting that moved it) and run ⟦uv lock⟧. If it is, review the new source, then record the decision in the lockgate config:⟪ignore:\n  - rule: source-changed\n    package: "idna"\n    reason: <why this source is trusted>\n    until: <YYYY-MM-DD>⟫',
  ],
  [
    'hash-changed',
    'Do not merge until you know why. Restore the previous lock entry (`git checkout <base> -- uv.lock`) and run `uv lock`; if uv writes the new hash again, the index now serves different bytes: ask its owner before trusting them.',
    'Do not merge until you know why. Restore the previous lock entry (⟦git checkout <base> -- uv.lock⟧) and run ⟦uv lock⟧; if uv writes the new hash again, the index now serves different bytes: ask its owner before trusting them.',
  ],
  [
    'new-index',
    'Make sure you trust this index and that only the packages that need it are pinned to it in [tool.uv.sources].',
    'Make sure you trust this index and that only the packages that need it are pinned to it in [tool.uv.sources].',
  ],
  [
    'new-index',
    'If only some packages need it, declare it explicit and pin them:\n[[tool.uv.index]]\nname = "private"\nurl = "https://private.example.com/simple"\nexplicit = true\n\n[tool.uv.sources]\n<package> = { index = "private" }\nthen run `uv lock`. If it is not needed, remove it and run `uv lock`.',
    'If only some packages need it, declare it explicit and pin them:⟪[[tool.uv.index]]\nname = "private"\nurl = "https://private.example.com/simple"\nexplicit = true\n\n[tool.uv.sources]\n<package> = { index = "private" }⟫then run ⟦uv lock⟧. If it is not needed, remove it and run ⟦uv lock⟧.',
  ],
  [
    'new-index',
    'Find out which setting or command added this index (an environment variable such as UV_INDEX_URL, or a user uv.toml); declare it in pyproject.toml if it is intended, otherwise run `uv lock` without it.',
    'Find out which setting or command added this index (an environment variable such as UV_INDEX_URL, or a user uv.toml); declare it in pyproject.toml if it is intended, otherwise run ⟦uv lock⟧ without it.',
  ],
  ['invalid-file', 'Regenerate the lock with `uv lock` and commit it.', 'Regenerate the lock with ⟦uv lock⟧ and commit it.'],
  ['invalid-file', 'Fix the TOML syntax at this line.', 'Fix the TOML syntax at this line.'],
  [
    'lock-missing',
    'Run `uv lock`, commit uv.lock, and install with `uv sync --locked`.',
    'Run ⟦uv lock⟧, commit uv.lock, and install with ⟦uv sync --locked⟧.',
  ],
  [
    'excessive-permissions',
    'Add at the top of the workflow (after on:):\npermissions:\n  contents: read\nand give any job that needs more its own permissions: block.',
    'Add at the top of the workflow (after on:):⟪permissions:\n  contents: read⟫and give any job that needs more its own permissions: block.',
  ],
  [
    'excessive-permissions',
    'Move id-token: write into the permissions: block of the job that needs it and keep the workflow level read-only:\npermissions:\n  contents: read',
    'Move id-token: write into the permissions: block of the job that needs it and keep the workflow level read-only:⟪permissions:\n  contents: read⟫',
  ],
  [
    'excessive-permissions',
    'Replace it with only what the jobs need, for example:\npermissions:\n  contents: read\nand give the job that must write its own permissions: block.',
    'Replace it with only what the jobs need, for example:⟪permissions:\n  contents: read⟫and give the job that must write its own permissions: block.',
  ],
  [
    'unsafe-index-strategy',
    'Use the default strategy (or delete the line):\n[tool.uv]\nindex-strategy = "first-index"\nand pin each private package to its index:\n[[tool.uv.index]]\nname = "internal"\nurl = "https://<your index>/simple"\nexplicit = true\n\n[tool.uv.sources]\n<package> = { index = "internal" }',
    'Use the default strategy (or delete the line):⟪[tool.uv]\nindex-strategy = "first-index"⟫and pin each private package to its index:⟪[[tool.uv.index]]\nname = "internal"\nurl = "https://<your index>/simple"\nexplicit = true\n\n[tool.uv.sources]\n<package> = { index = "internal" }⟫',
  ],
  [
    'url-source-unhashed',
    "Let uv record the archive's hash: uv lock --refresh-package bare; then check the archive you reviewed has that sha256.",
    "Let uv record the archive's hash: ⟦uv lock --refresh-package bare⟧; then check the archive you reviewed has that sha256.",
  ],
  [
    'dangerous-trigger',
    "Trigger on pull_request instead of pull_request_target (rename the key under on:), which gives forks no secrets and a read-only token. If the job must write to the pull request, keep pull_request_target but never check out, build or run the pull request's code in it, and keep permissions: to the scopes it writes.",
    "Trigger on pull_request instead of pull_request_target (rename the key under on:), which gives forks no secrets and a read-only token. If the job must write to the pull request, keep pull_request_target but never check out, build or run the pull request's code in it, and keep permissions: to the scopes it writes.",
  ],
  [
    'dangerous-trigger',
    "Do the work in the triggering workflow (on: pull_request) if it needs no secrets. Otherwise, in the workflow_run job never check out or run the triggering run's code, treat its artifacts as untrusted data, and check github.event.workflow_run.head_repository.full_name == github.repository.",
    "Do the work in the triggering workflow (on: pull_request) if it needs no secrets. Otherwise, in the workflow_run job never check out or run the triggering run's code, treat its artifacts as untrusted data, and check github.event.workflow_run.head_repository.full_name == github.repository.",
  ],
  [
    'dangerous-trigger',
    "Keep it this way: no checkout of the pull request's code, no write scope, no secret. If the job needs nothing from the base repository, pull_request is simpler still (rename the key under on:).",
    "Keep it this way: no checkout of the pull request's code, no write scope, no secret. If the job needs nothing from the base repository, pull_request is simpler still (rename the key under on:).",
  ],
  [
    'template-injection',
    'Add env: to this step with the line INPUT_TEST_TYPE: ${{ inputs.test-type }} and write "$INPUT_TEST_TYPE" in place of the expression.',
    'Add env: to this step with the line ⟦INPUT_TEST_TYPE: ${{ inputs.test-type }}⟧ and write ⟦"$INPUT_TEST_TYPE"⟧ in place of the expression.',
  ],
  [
    'template-injection',
    'Add env: to this step with the line INPUT_ISSUE_NUMBER: ${{ github.event.issue.number || inputs.issue_number }} and write "$INPUT_ISSUE_NUMBER" in place of the expression.',
    'Add env: to this step with the line ⟦INPUT_ISSUE_NUMBER: ${{ github.event.issue.number || inputs.issue_number }}⟧ and write ⟦"$INPUT_ISSUE_NUMBER"⟧ in place of the expression.',
  ],
  [
    'template-injection',
    'Add the line INPUT_ISSUE_NUMBER: ${{ github.event.issue.number || inputs.issue_number }} under this step\'s env: and write "$INPUT_ISSUE_NUMBER" in place of the expression.',
    'Add the line ⟦INPUT_ISSUE_NUMBER: ${{ github.event.issue.number || inputs.issue_number }}⟧ under this step\'s env: and write ⟦"$INPUT_ISSUE_NUMBER"⟧ in place of the expression.',
  ],
  ['artipacked', 'Add to this step:\nwith:\n  persist-credentials: false', 'Add to this step:⟪with:\n  persist-credentials: false⟫'],
  ['artipacked', "Add persist-credentials: false under this step's with:", "Add persist-credentials: false under this step's with:"],
  [
    'curl-pipe-shell',
    'curl -fsSLo install.sh https://claude.ai/install.sh && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh',
    '⟦curl -fsSLo install.sh https://claude.ai/install.sh && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh⟧',
  ],
  [
    'curl-pipe-shell',
    'curl -fsSLo install.sh https://github.com/astral-sh/hawk/releases/download/${HAWK_VERSION}/cargo-hawk-installer.sh && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh',
    '⟦curl -fsSLo install.sh https://github.com/astral-sh/hawk/releases/download/${HAWK_VERSION}/cargo-hawk-installer.sh && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh⟧',
  ],
  [
    'curl-pipe-shell',
    'curl -fsSLo install.sh https://pyenv.run && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh',
    '⟦curl -fsSLo install.sh https://pyenv.run && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh⟧',
  ],
  [
    'unpinned-image',
    'python:3.6-buster@sha256:<digest>, with the digest from: docker buildx imagetools inspect python:3.6-buster   (the "Digest:" line)',
    '⟦python:3.6-buster@sha256:<digest>⟧, with the digest from: ⟦docker buildx imagetools inspect python:3.6-buster⟧   (the "Digest:" line)',
  ],
  [
    'unpinned-image',
    'rockylinux/rockylinux:${{ matrix.rocky-version }}@sha256:<digest>, with the digest from: docker buildx imagetools inspect rockylinux/rockylinux:${{ matrix.rocky-version }}   (the "Digest:" line)',
    '⟦rockylinux/rockylinux:${{ matrix.rocky-version }}@sha256:<digest>⟧, with the digest from: ⟦docker buildx imagetools inspect rockylinux/rockylinux:${{ matrix.rocky-version }}⟧   (the "Digest:" line)',
  ],
  [
    'unpinned-image',
    'node@sha256:<digest>, with the digest from: docker buildx imagetools inspect node   (the "Digest:" line)',
    '⟦node@sha256:<digest>⟧, with the digest from: ⟦docker buildx imagetools inspect node⟧   (the "Digest:" line)',
  ],
  [
    'secrets-inherit',
    'Replace secrets: inherit with:\nsecrets:\n  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n  STS_API_URL: ${{ secrets.STS_API_URL }}\nand declare OPENAI_API_KEY, STS_API_URL under on.workflow_call.secrets in .github/workflows/pull-request-security-review.yml (it reads them without declaring).',
    'Replace secrets: inherit with:⟪secrets:\n  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n  STS_API_URL: ${{ secrets.STS_API_URL }}⟫and declare OPENAI_API_KEY, STS_API_URL under on.workflow_call.secrets in .github/workflows/pull-request-security-review.yml (it reads them without declaring).',
  ],
  ['secrets-inherit', 'Delete secrets: inherit: the called workflow uses no secrets.', 'Delete secrets: inherit: the called workflow uses no secrets.'],
  [
    'pip-unhashed',
    "uv tool install keyring@<version>   (or --from 'keyring==<version>')",
    "⟦uv tool install keyring@<version>⟧   (or --from 'keyring==<version>')",
  ],
  [
    'pip-unhashed',
    'uv export --format requirements-txt --locked -o requirements.txt   (writes hashes), then: uv pip install --require-hashes -r requirements.txt',
    '⟦uv export --format requirements-txt --locked -o requirements.txt⟧   (writes hashes), then: ⟦uv pip install --require-hashes -r requirements.txt⟧',
  ],
  [
    'pip-unhashed',
    'uv sync --locked   (installs the project and its locked, hashed dependencies), or install hashed requirements first and add --no-deps',
    '⟦uv sync --locked⟧   (installs the project and its locked, hashed dependencies), or install hashed requirements first and add --no-deps',
  ],
  ['dependabot-cooldown', 'Add to this entry:\n    cooldown:\n      default-days: 7', 'Add to this entry:⟪    cooldown:\n      default-days: 7⟫'],
  [
    'yanked',
    "Move to a release that is not yanked: uv lock --upgrade-package idna (add a version, e.g. 'idna==<version>', to choose one).",
    "Move to a release that is not yanked: ⟦uv lock --upgrade-package idna⟧ (add a version, e.g. 'idna==<version>', to choose one).",
  ],
  [
    'ghost-file',
    'Find out why it was removed before installing it again; then re-resolve: uv lock --upgrade-package idna, or drop the dependency: uv remove idna.',
    'Find out why it was removed before installing it again; then re-resolve: ⟦uv lock --upgrade-package idna⟧, or drop the dependency: ⟦uv remove idna⟧.',
  ],
  [
    'ref-version-mismatch',
    'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2   (keep this commit)\nactions/checkout@08eba0b27e820071cde6df949e0beb9ba4906955 # v4   (run v4)',
    '⟦actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2⟧   (keep this commit)⏎⟦actions/checkout@08eba0b27e820071cde6df949e0beb9ba4906955 # v4⟧   (run v4)',
  ],
  [
    'impostor-commit',
    'actions/checkout@<sha of a release> # <tag>, from: gh api repos/actions/checkout/tags --jq \'.[] | .name + " " + .commit.sha\'',
    '⟦actions/checkout@<sha of a release> # <tag>⟧, from: ⟦gh api repos/actions/checkout/tags --jq \'.[] | .name + " " + .commit.sha\'⟧',
  ],
];

describe('fixSegments on the fixes the rules write', () => {
  it.each(REAL_FIXES)('%s: %j', (_rule, fix, expected) => {
    expect(shape(fixSegments(fix))).toBe(expected);
  });

  it('covers every rule that writes a fix', () => {
    expect(new Set(REAL_FIXES.map(([rule]) => rule)).size).toBeGreaterThanOrEqual(32);
  });
});

describe('fixSegments on the shapes that were wrong', () => {
  it.each([
    [
      'a lone `.` is an argument, not a full stop',
      'uv run --locked ruff check . (for a PEP 723 script, write uv run --script instead)',
      '⟦uv run --locked ruff check .⟧ (for a PEP 723 script, write uv run --script instead)',
    ],
    ['a full stop after a word ends the command', 'Run: uv lock. Then commit.', 'Run: ⟦uv lock⟧. Then commit.'],
    ['a path to the command', './uv sync --locked -v; or set UV_LOCKED: "1"', '⟦./uv sync --locked -v⟧; or set UV_LOCKED: "1"'],
    [
      'a command in parentheses',
      'Upgrade in a reviewed pull request (uv lock --upgrade) and install',
      'Upgrade in a reviewed pull request (⟦uv lock --upgrade⟧) and install',
    ],
    ['a tool and its version is prose', 'Add to uv.toml (uv 0.10.0 or later):', 'Add to uv.toml (uv 0.10.0 or later):'],
    ['a tool and a version bound is prose', 'Re-lock (uv >= 0.6.15 records upload times).', 'Re-lock (uv >= 0.6.15 records upload times).'],
    ['trailing spaces stay prose', 'uv sync --locked   (installs the project)', '⟦uv sync --locked⟧   (installs the project)'],
    [
      'an image whose tag is an expression',
      'img:${{ matrix.v }}@sha256:<digest>, with the digest from: x',
      '⟦img:${{ matrix.v }}@sha256:<digest>⟧, with the digest from: x',
    ],
    [
      'an expression inside a quoted argument stays in the command',
      'uv run --locked coverage html --title "for ${{ github.sha }}" (for a PEP 723 script)',
      '⟦uv run --locked coverage html --title "for ${{ github.sha }}"⟧ (for a PEP 723 script)',
    ],
    [
      'an env line and the reference to write',
      'Add the line PR_TITLE: ${{ github.event.pull_request.title }} under env: and write process.env.PR_TITLE in place of it.',
      'Add the line ⟦PR_TITLE: ${{ github.event.pull_request.title }}⟧ under env: and write ⟦process.env.PR_TITLE⟧ in place of it.',
    ],
    ['a PowerShell env reference', 'and write $env:ISSUE_TITLE in place', 'and write ⟦$env:ISSUE_TITLE⟧ in place'],
    ['a lowercase key before an expression is not an env line', 'under env: ${{ x }}', 'under env: ⟦${{ x }}⟧'],
    ['an unclosed expression is prose', 'Replace ${{ github.ref with it', 'Replace ${{ github.ref with it'],
    ['an unclosed backtick is prose', 'Run `uv lock and commit', 'Run `uv lock and commit'],
    ['a file label only at the start of a snippet', 'Add:\npyproject.toml:\n[tool.uv]\nx = 1', 'Add:⏎⟦pyproject.toml⟧:⟪[tool.uv]\nx = 1⟫'],
    ['a file label alone on the last line is the snippet', 'Add:\npyproject.toml:', 'Add:⟪pyproject.toml:⟫'],
    ['CRLF line ends', 'Add to this step:\r\nwith:\r\n  persist-credentials: false\r\n', 'Add to this step:⟪with:\n  persist-credentials: false⟫'],
    ['a blank line inside a snippet stays, a trailing one goes', 'Add:\n[a]\nx = 1\n\n[b]\ny = 2\n\n', 'Add:⟪[a]\nx = 1\n\n[b]\ny = 2⟫'],
    ['two lines of prose', 'first line\nsecond line', 'first line⏎second line'],
    ['an empty fix', '', ''],
  ])('%s', (_what, fix, expected) => {
    expect(shape(fixSegments(fix))).toBe(expected);
  });
});

describe('primaryCommand: what the to-do list shows', () => {
  it.each([
    ['Replace it with "httpx==0.28.1" (0.28.1 is the locked version), or run: uv add httpx==0.28.1', 'uv add httpx==0.28.1'],
    ['actions/checkout@<sha> # v4, with the sha from: gh api repos/actions/checkout/commits/v4 --jq .sha', 'actions/checkout@<sha> # v4'],
    ['Run `uv lock` and commit the updated uv.lock (CI should install with `uv sync --locked`).', 'uv lock'],
    ['uv sync --locked; or set UV_LOCKED: "1" in the workflow\'s env', 'uv sync --locked'],
    // A snippet comes first: the to-do list points at the details instead.
    ['Add to pyproject.toml:\n[tool.uv]\nexclude-newer = "7 days"\nthen run: uv lock', null],
    // Values to paste are not commands.
    ['Add env: to this step with the line INPUT_X: ${{ inputs.x }} and write "$INPUT_X" in place of the expression.', null],
    ["Keep it this way: no checkout of the pull request's code.", null],
    [
      'Wait until 2026-11-30 09:15 UTC and re-run; or keep the previous version: uv lock --upgrade-package idna==3.15; or exempt it:\n.github/lockgate.yml:\ncooldown: {}',
      'uv lock --upgrade-package idna==3.15',
    ],
  ])('%j -> %j', (fix, expected) => {
    expect(primaryCommand(fix)).toBe(expected);
  });
});

describe('fixSegments never loses or invents text', () => {
  /** Everything but whitespace and the backticks that only mark code. */
  const letters = (text: string): string => text.replace(/[\s`]/g, '');
  const joined = (segments: FixSegment[]): string => segments.map((s) => (s.kind === 'break' ? '' : s.text)).join('');

  it.each(REAL_FIXES)('%s keeps every character', (_rule, fix) => {
    expect(letters(joined(fixSegments(fix)))).toBe(letters(fix));
  });

  it('on any input: same characters, no empty segment, no two texts in a row, no block with a trailing blank line', () => {
    const pieces = fc.constantFrom(
      'uv ',
      'lock',
      ' ',
      ':',
      '\n',
      '`',
      '(',
      ')',
      ';',
      ',',
      '.',
      '"',
      "'",
      '${{',
      '}}',
      'x',
      'NAME: ',
      '$env:A',
      'actions/checkout@v4',
      'then ',
      '  ',
      '\r\n',
      'a.toml:',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 8 })), { maxLength: 40 }), (parts) => {
        const fix = parts.join('');
        const segments = fixSegments(fix);
        expect(letters(joined(segments))).toBe(letters(fix));
        segments.forEach((s, i) => {
          if (s.kind !== 'break') expect(s.text.length).toBeGreaterThan(0);
          if (s.kind === 'text') expect(segments[i + 1]?.kind).not.toBe('text');
          if (s.kind === 'block') expect(s.text).not.toMatch(/\n\s*$/);
        });
        expect(segments[segments.length - 1]?.kind).not.toBe('break');
      }),
      { numRuns: 500 },
    );
  });
});

describe('fixSegments stays linear-ish on long hostile values', () => {
  it.each(['x', 'a/', 'a:', '${{', '}}', 'uv ', '`', '(', '"', 'x@', 'NAME: ', ': uv a', ' .', '\n', 'a.toml:\n'])('%j repeated', (unit) => {
    for (const fix of [unit.repeat(20_000), `ab/${unit.repeat(5_000)}@x`, `Fix: ${unit.repeat(5_000)}`]) {
      const started = Date.now();
      fixSegments(fix);
      primaryCommand(fix);
      expect(Date.now() - started).toBeLessThan(1_500);
    }
  });
});
