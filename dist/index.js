import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 101:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  E: () => (/* binding */ ActionRun)
});

// EXTERNAL MODULE: ./src/findings.ts
var findings = __nccwpck_require__(1);
// EXTERNAL MODULE: ./src/report/github.ts + 1 modules
var github = __nccwpck_require__(619);
;// CONCATENATED MODULE: ./src/action/annotations.ts
/**
 * Workflow-command annotations: GitHub shows at most 10 errors, 10 warnings and 10 notices per step
 * and drops the rest silently, so lockgate picks the most severe findings itself and says in the
 * log how many more there are and where they are.
 */


/** GitHub's per-step cap for each annotation type. */
const ANNOTATIONS_PER_TYPE = 10;
/**
 * Picks, per severity, the first findings (most severe, then by file and line) that fit in what
 * is left of the cap after lockgate's own messages (`reserved`: e.g. 1 error for setFailed).
 */
function planAnnotations(findings, reserved = {}) {
    const shown = { error: 0, warning: 0, notice: 0 };
    const hidden = { error: 0, warning: 0, notice: 0 };
    const commands = [];
    for (const finding of [...findings].sort(compareFindings)) {
        const room = Math.max(0, ANNOTATIONS_PER_TYPE - (reserved[finding.severity] ?? 0));
        if (shown[finding.severity] < room) {
            commands.push(workflowCommand(finding));
            shown[finding.severity]++;
        }
        else {
            hidden[finding.severity]++;
        }
    }
    return { commands, shown, hidden };
}
/** One log line about the findings that got no workflow annotation, or null when none. */
function hiddenAnnotationsLine(plan, where) {
    const parts = ['error', 'warning', 'notice']
        .filter((s) => plan.hidden[s] > 0)
        .map((s) => `${plan.hidden[s]} more ${plan.hidden[s] === 1 ? s : `${s}s`}`);
    if (parts.length === 0)
        return null;
    return `${parts.join(', ')} not annotated here (GitHub shows ${ANNOTATIONS_PER_TYPE} of each type per step); every finding is in ${where.join(', ')}.`;
}
/**
 * A plain log line that the runner cannot read as a command: newlines are folded (a new line could
 * start with `::`), and `##[`, which the runner reads as a legacy command anywhere in a line, gets a
 * zero-width space.
 */
function logLine(text) {
    return text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/##\[/g, '##\u200B[');
}

// EXTERNAL MODULE: ./src/action/runner.ts + 1 modules
var runner = __nccwpck_require__(53);
// EXTERNAL MODULE: ./src/action/secrets.ts + 1 modules
var secrets = __nccwpck_require__(49);
;// CONCATENATED MODULE: ./src/action/action-run.ts



class ActionRun {
    env;
    scrubber = new secrets/* Scrubber */.h();
    own = { error: 0, warning: 0, notice: 0 };
    /** Permissions a write was refused for ("checks: write"), for the one notice. */
    denied = [];
    constructor(env) {
        this.env = env;
    }
    info(line) {
        process.stdout.write(`${logLine(this.scrubber.scrub(line))}\n`);
    }
    /** An annotation of lockgate's own (not a finding): scrubbed, and counted against the cap. */
    annotate(severity, message) {
        this.own[severity]++;
        const text = this.scrubber.scrub(message);
        (0,runner/* annotation */.w7)(severity, text, 'lockgate');
    }
}


/***/ }),

/***/ 566:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   PM: () => (/* binding */ EventError),
/* harmony export */   Zz: () => (/* binding */ resolveRevisions)
/* harmony export */ });
/* unused harmony export isSafeRef */
/**
 * Which revisions to compare, from the workflow event (the payload at GITHUB_EVENT_PATH) and the
 * `base-ref` / `head-ref` inputs. Pure: the caller reads the file and the environment.
 *
 * lockgate never checks out PR code: under `pull_request_target` the head is a SHA read from the
 * event and its files come from git objects (or the API), never from a working tree.
 */
const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const ZERO_SHA_RE = /^0+$/;
function obj(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}
/** A commit SHA from the payload, or null when absent or not a SHA (payloads are input too). */
function sha(value) {
    return typeof value === 'string' && SHA_RE.test(value) ? value : null;
}
function fullName(repo) {
    const name = obj(repo)?.full_name;
    return typeof name === 'string' && name.length > 0 ? name : null;
}
/**
 * A ref given as an input must name a revision, not smuggle an option into `git` (`--upload-pack=…`)
 * or a range. Branch, tag and SHA syntax only.
 */
function isSafeRef(ref) {
    return (ref.length > 0 &&
        ref.length <= 255 &&
        !ref.startsWith('-') &&
        /^[A-Za-z0-9._\/@^~+-]+$/.test(ref) &&
        !ref.includes('..') &&
        !ref.includes('@{') &&
        !ref.endsWith('.lock') &&
        !ref.endsWith('/') &&
        !ref.endsWith('.'));
}
class EventError extends Error {
}
function checkedRef(ref, input) {
    if (!isSafeRef(ref))
        throw new EventError(`${input} is not a branch, tag or commit SHA: ${JSON.stringify(ref.slice(0, 80))}`);
    return ref;
}
function pullRequestOf(payload) {
    const pr = obj(payload.pull_request);
    if (!pr)
        return null;
    const number = typeof pr.number === 'number' ? pr.number : typeof payload.number === 'number' ? payload.number : null;
    if (number === null || !Number.isSafeInteger(number) || number <= 0)
        return null;
    const baseRepo = fullName(obj(pr.base)?.repo);
    const headRepo = fullName(obj(pr.head)?.repo);
    return { pr, ref: { number, baseRepo, headRepo, fromFork: headRepo === null || (baseRepo !== null && headRepo !== baseRepo) } };
}
/**
 * Base and head for one run. Inputs win over the event when given (as in dependency-review-action),
 * so a workflow can compare against something else on purpose.
 */
function resolveRevisions(eventName, payloadValue, inputs, githubSha) {
    const payload = obj(payloadValue) ?? {};
    const baseInput = inputs.baseRef.trim();
    const headInput = inputs.headRef.trim();
    const fromInputs = (result, what) => {
        const base = baseInput ? checkedRef(baseInput, 'base-ref') : result.base;
        const head = headInput ? checkedRef(headInput, 'head-ref') : result.head;
        const parts = [];
        parts.push(baseInput ? `base ${base} from the base-ref input` : base ? `base ${base} from ${what}` : 'no base (full audit)');
        parts.push(headInput ? `head ${head} from the head-ref input` : head ? `head ${head} from ${what}` : 'head from the working tree');
        // A head-ref input moves the check run with it: annotations must match the files checked. A
        // branch or tag name is resolved to its SHA later (see `ensureRevision`), so null here.
        const checkSha = headInput ? sha(head) : result.checkSha;
        return { ...result, base, head, checkSha, description: `${eventName || 'unknown event'}: ${parts.join(', ')}` };
    };
    switch (eventName) {
        case 'pull_request':
        case 'pull_request_target': {
            const found = pullRequestOf(payload);
            const base = sha(obj(found?.pr.base)?.sha);
            const head = sha(obj(found?.pr.head)?.sha);
            if (!found || (!base && !baseInput) || (!head && !headInput)) {
                throw new EventError(`the ${eventName} event has no pull_request.base.sha / pull_request.head.sha; set base-ref and head-ref`);
            }
            return fromInputs({ base, head, checkSha: head, pullRequest: found.ref, skip: null }, `pull request #${found.ref.number}`);
        }
        case 'merge_group': {
            const group = obj(payload.merge_group);
            const base = sha(group?.base_sha);
            const head = sha(group?.head_sha);
            if ((!base && !baseInput) || (!head && !headInput)) {
                throw new EventError('the merge_group event has no merge_group.base_sha / merge_group.head_sha; set base-ref and head-ref');
            }
            return fromInputs({ base, head, checkSha: head, pullRequest: null, skip: null }, 'the merge group');
        }
        case 'push': {
            const before = typeof payload.before === 'string' ? payload.before : '';
            const after = typeof payload.after === 'string' ? payload.after : '';
            if (ZERO_SHA_RE.test(after) || payload.deleted === true) {
                return {
                    base: null,
                    head: null,
                    checkSha: null,
                    pullRequest: null,
                    skip: 'the push deleted a branch or tag: nothing to check',
                    description: 'push: a deletion, nothing to check',
                };
            }
            const head = sha(after) ?? sha(githubSha);
            // An all-zero `before` is a new branch or tag: there is no previous state to compare with.
            const base = ZERO_SHA_RE.test(before) ? null : sha(before);
            return fromInputs({ base, head, checkSha: head, pullRequest: null, skip: null }, 'the push');
        }
        default: {
            // workflow_dispatch, schedule and anything else: the inputs, or a full audit of the checkout.
            return fromInputs({ base: null, head: null, checkSha: sha(githubSha), pullRequest: null, skip: null }, eventName || 'the event');
        }
    }
}


/***/ }),

/***/ 769:
/***/ ((module, __webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   e: () => (/* binding */ run),
/* harmony export */   i: () => (/* binding */ main)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _report_outputs_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(155);
/* harmony import */ var _settings_types_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(664);
/* harmony import */ var _action_run_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(101);
/* harmony import */ var _event_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(566);
/* harmony import */ var _revision_error_js__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(222);
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(53);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_7__ = __nccwpck_require__(49);
/**
 * The Action entry (dist/index.js). One run:
 *
 *   event -> base/head -> make them readable (git objects, git fetch, or the API) -> engine ->
 *   report JSON + SARIF files -> check run -> sticky comment -> annotations -> job summary ->
 *   outputs -> setFailed per fail-on.
 *
 * A read-only token (fork PRs) only costs the check run and the comment, with one notice naming
 * the missing permission: annotations, summary, files and outputs still go out. Everything printed,
 * written or sent goes through the scrubber; the token is never printed.
 */








function readEvent(env) {
    const path = env.GITHUB_EVENT_PATH;
    if (!path || !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(path))
        return {};
    try {
        return JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(path, 'utf8'));
    }
    catch {
        throw new _event_js__WEBPACK_IMPORTED_MODULE_5__/* .EventError */ .PM(`the event file at GITHUB_EVENT_PATH is not JSON`);
    }
}
async function run(env = process.env) {
    const action = new _action_run_js__WEBPACK_IMPORTED_MODULE_3__/* .ActionRun */ .E(env);
    action.scrubber.add((0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .getInput */ .V4)('token'));
    action.scrubber.addUrlCredentials((0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .getInput */ .V4)('index-url'));
    const event = (0,_event_js__WEBPACK_IMPORTED_MODULE_5__/* .resolveRevisions */ .Zz)(env.GITHUB_EVENT_NAME ?? '', readEvent(env), { baseRef: (0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .getInput */ .V4)('base-ref'), headRef: (0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .getInput */ .V4)('head-ref') }, env.GITHUB_SHA ?? null);
    action.info(`lockgate: ${event.description}`);
    if (event.skip) {
        action.info(`lockgate: ${event.skip}.`);
        for (const name of ['errors', 'warnings', 'notices'])
            (0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .setOutput */ .uH)(name, '0');
        for (const name of ['report-json', 'sarif-file'])
            (0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .setOutput */ .uH)(name, '');
        (0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .setOutput */ .uH)('findings-json', _report_outputs_js__WEBPACK_IMPORTED_MODULE_1__/* .EMPTY_FINDINGS_OUTPUT */ .pl);
        (0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .setOutput */ .uH)('changes-json', _report_outputs_js__WEBPACK_IMPORTED_MODULE_1__/* .EMPTY_CHANGES_OUTPUT */ .WO);
        return;
    }
    // Loaded only now: an event that exits early never reads the engine, rules, client or reporters.
    // The bundle has it as a second file, dist/index-check.js (scripts/build.mjs), which node then
    // reads and compiles; this file stays small.
    checkModule = await import("./index-check.js");
    await checkModule.check(action, env, event, _runner_js__WEBPACK_IMPORTED_MODULE_4__/* .getInput */ .V4);
}
/** The full check, once imported: in the bundle a file of its own, with its own copies of the error classes. */
let checkModule = null;
/** An error whose message is meant for the user (no "internal error", no stack trace). */
function isKnownError(error) {
    if (error instanceof _settings_types_js__WEBPACK_IMPORTED_MODULE_2__/* .SettingsError */ .G || error instanceof _event_js__WEBPACK_IMPORTED_MODULE_5__/* .EventError */ .PM || error instanceof _revision_error_js__WEBPACK_IMPORTED_MODULE_6__/* .RevisionError */ .E)
        return true;
    return checkModule?.isKnownError(error) ?? false;
}
/** One line, no stack trace (unless LOCKGATE_DEBUG), and never a secret. */
async function main(env = process.env) {
    try {
        await run(env);
    }
    catch (error) {
        const scrubber = new _secrets_js__WEBPACK_IMPORTED_MODULE_7__/* .Scrubber */ .h();
        scrubber.add((0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .getInput */ .V4)('token'));
        scrubber.addUrlCredentials((0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .getInput */ .V4)('index-url'));
        const known = isKnownError(error);
        const message = known ? error.message : `internal error: ${error?.message ?? String(error)}`;
        if (env.LOCKGATE_DEBUG && !known)
            process.stdout.write(`${scrubber.scrub(String(error?.stack))}\n`);
        (0,_runner_js__WEBPACK_IMPORTED_MODULE_4__/* .setFailed */ .C1)(scrubber.scrub(`lockgate: ${message.split('\n')[0]}`));
    }
}
await main();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 222:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E: () => (/* binding */ RevisionError)
/* harmony export */ });
/**
 * A base or head that cannot be made readable (not fetched, not in the API): the user's to fix, so
 * one line without a stack. Its own module so that the action's entry can recognise it without
 * loading ./fetch.ts (and node:child_process) on an early exit.
 */
class RevisionError extends Error {
}


/***/ }),

/***/ 53:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  w7: () => (/* binding */ annotation),
  V4: () => (/* binding */ getInput),
  C1: () => (/* binding */ setFailed),
  uH: () => (/* binding */ setOutput)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
// EXTERNAL MODULE: ./src/report/github.ts + 1 modules
var github = __nccwpck_require__(619);
;// CONCATENATED MODULE: ./src/action/runner.ts
/**
 * The runner's side of the action protocol, the four parts of `@actions/core` lockgate used: inputs
 * (INPUT_<NAME>), outputs (the GITHUB_OUTPUT file), a failure (exit code 1 and an error annotation)
 * and lockgate's own annotations. Written out here, with the same bytes as @actions/core 3.0.1
 * (`__tests__/action-runner.test.ts` holds them to it), because loading @actions/core also loads
 * @actions/http-client and a bundled undici (for OIDC tokens lockgate never asks for): about a
 * megabyte of bundle and a fifth of the action's start-up.
 *
 * Every value goes through the runner's unescaping (escapeData / escapeProperty), so no message or
 * name can end a command early or start a second one.
 */




/** An input as the runner passes it (INPUT_ + the name, spaces as `_`, upper case), trimmed; '' when unset. */
function getInput(name) {
    return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim();
}
/**
 * A step output: appended to GITHUB_OUTPUT as `name<<delimiter`, the value, the delimiter (a fresh
 * random delimiter each time, refused if the name or value contains it), or, without that file, the
 * old `::set-output::` command.
 */
function setOutput(name, value) {
    const path = process.env.GITHUB_OUTPUT || '';
    if (path) {
        const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
        if (name.includes(delimiter))
            throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
        if (value.includes(delimiter))
            throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
        if (!(0,external_node_fs_.existsSync)(path))
            throw new Error(`Missing file at path: ${path}`);
        (0,external_node_fs_.appendFileSync)(path, `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`, { encoding: 'utf8' });
        return;
    }
    process.stdout.write(external_node_os_namespaceObject.EOL);
    process.stdout.write(`::set-output name=${(0,github/* escapeProperty */.Bn)(name)}::${(0,github/* escapeData */.uf)(value)}${external_node_os_namespaceObject.EOL}`);
}
/** An annotation command (`::error title=…::message`); the title is left out when empty. */
function annotation(severity, message, title = '') {
    const properties = title ? ` title=${(0,github/* escapeProperty */.Bn)(title)}` : '';
    process.stdout.write(`::${severity}${properties}::${(0,github/* escapeData */.uf)(message)}${external_node_os_namespaceObject.EOL}`);
}
/** Fails the step: exit code 1 once the process ends, and the message as an error annotation. */
function setFailed(message) {
    process.exitCode = 1;
    annotation('error', message);
}


/***/ }),

/***/ 49:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  h: () => (/* binding */ Scrubber)
});

;// CONCATENATED MODULE: ./src/core/text.ts
/**
 * Text helpers every layer may use: no imports, no I/O. Each exists once (issue 13): names, URLs
 * and paths come from hostile files, so how they are quoted and redacted is decided here only.
 */
/**
 * `user:password@` in a text: from `//` to the last `@` of the authority. The authority ends at the
 * first `/`, backslash, `?`, `#` or white space, as WHATWG (and so uv) reads a special URL; the userinfo
 * ends at its last `@` (a password may hold a raw `@`). Stopping at those characters matters as much
 * as matching: `https://evil.example?@pypi.org/simple` goes to evil.example, and removing
 * `evil.example?@` would show a reader pypi.org instead.
 */
const USERINFO = /\/\/[^\s/\\?#]*@/g;
/**
 * Text with the credentials of every URL in it removed: `https://user:token@host/simple` becomes
 * `https://host/simple` (or `https://***@host/simple` with `mask: '***'`, for logs that should say
 * that something was there). Never throws. A text that is one URL with credentials is rewritten by
 * the WHATWG parser (what uv uses), so the userinfo removed is exactly what uv would send; then, in
 * any text (a message, a command line, a URL the parser rejects), every `//userinfo@` goes.
 */
function redactUrl(text, options = {}) {
    const mask = options.mask ?? '';
    let out = text;
    if (mask === '') {
        try {
            const parsed = new URL(text);
            if (parsed.username !== '' || parsed.password !== '') {
                parsed.username = '';
                parsed.password = '';
                out = parsed.toString();
            }
        }
        catch {
            // Not one URL: a message, or a URL only a hand could write. The pattern below covers both.
        }
    }
    // Also after the parser: a text it reads as one URL may still hold another (`see:https://u:p@h`
    // parses, as an opaque path, with no credentials of its own).
    if (!out.includes('@'))
        return out;
    return out.replace(USERINFO, (found) => (found === '//@' ? (mask === '' ? '//' : found) : mask === '' ? '//' : `//${mask}@`));
}
/** A URL for a message: credentials removed, long ones shortened. */
function displayUrl(url) {
    const clean = redactUrl(url);
    return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}
/**
 * A word for a shell command line (a fix users copy): as is when plain, else quoted so that no
 * POSIX shell expands anything in it. Double quotes read better for requirements with markers
 * (`'3.12'` inside) and are used when nothing in the text expands or escapes in them (`$`, a
 * backtick, `\`, `"`, bash's history `!`, a line break); otherwise single quotes, where nothing
 * but `'` itself is special.
 */
function shellWord(text) {
    if (/^[A-Za-z0-9._=@:+/-]+$/.test(text))
        return text;
    if (!/["$`\\!\n]/.test(text))
        return `"${text}"`;
    return `'${text.replace(/'/g, `'\\''`)}'`;
}
/** A TOML basic string (JSON escapes are valid TOML escapes for these characters). */
function tomlString(text) {
    return JSON.stringify(text);
}
/** `httpx 0.28.1`, or just the name when the entry has no version. */
function packageLabel(pkg) {
    return typeof pkg.version === 'string' && pkg.version !== '' ? `${pkg.name} ${pkg.version}` : pkg.name;
}
/** PEP 503 name normalization: lower case, every run of `-`, `_`, `.` becomes one `-`. uv keys packages, extras and groups this way. */
function normalizeName(name) {
    // Most names (every name uv writes into a lock) are normalized already: check before rewriting.
    let previousDash = false;
    for (let i = 0; i < name.length; i++) {
        const c = name.charCodeAt(i);
        if (c === 45) {
            if (previousDash)
                return name.toLowerCase().replace(/[-_.]+/g, '-');
            previousDash = true;
        }
        else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57))
            previousDash = false;
        else
            return name.toLowerCase().replace(/[-_.]+/g, '-');
    }
    return name;
}

;// CONCATENATED MODULE: ./src/action/secrets.ts
/**
 * Secrets the action knows about (the token, credentials inside an index URL) and a scrubber that
 * every line of output, file and request body goes through. The runner masks registered secrets in
 * the log, but not in files (report JSON, SARIF) or API request bodies, and not a credential typed
 * into a workflow as plain text; `::add-mask::` would itself print the value to stdout.
 */

/** Shorter values would scrub ordinary words. */
const MIN_SECRET_LENGTH = 4;
class Scrubber {
    secrets = new Set();
    add(value) {
        if (!value || value.length < MIN_SECRET_LENGTH)
            return;
        const forms = new Set([value]);
        try {
            forms.add(decodeURIComponent(value)); // URL.password is still percent-encoded
        }
        catch {
            // not percent-encoded
        }
        for (const form of forms) {
            // As it is, percent-encoded in a URL, and escaped inside JSON.
            for (const variant of [form, encodeURIComponent(form), JSON.stringify(form).slice(1, -1)]) {
                if (variant.length >= MIN_SECRET_LENGTH)
                    this.secrets.add(variant);
            }
        }
    }
    /** The user and password of a URL (an index URL such as https://user:token@host/simple). */
    addUrlCredentials(url) {
        if (!url)
            return;
        try {
            const parsed = new URL(url);
            // With a password, the user name is usually a plain name ("user", "__token__") that must not
            // be scrubbed from ordinary text; without one, the user name is the credential.
            if (parsed.password)
                this.add(parsed.password);
            else
                this.add(parsed.username);
        }
        catch {
            // not a URL: nothing to add
        }
    }
    scrub(text) {
        let out = redactUrl(text, { mask: '***' });
        // Longest first, so a secret that contains another is removed whole.
        for (const secret of [...this.secrets].sort((a, b) => b.length - a.length))
            out = out.split(secret).join('***');
        return out;
    }
}


/***/ }),

/***/ 1:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* unused harmony exports SEVERITIES, CONFIDENCES, PERSONAS, confidenceRank, personaRank, confidenceOf, personaOf, severityRank, fingerprintOf, occurrenceSubjects, makeFinding, compareFindings */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);

const SEVERITIES = (/* unused pure expression or super */ null && (['error', 'warning', 'notice']));
const CONFIDENCES = (/* unused pure expression or super */ null && (['high', 'medium', 'low']));
const PERSONAS = (/* unused pure expression or super */ null && (['regular', 'pedantic', 'auditor']));
/** 3 for high: a finding is shown at `--min-confidence X` when its rank is at least X's. */
function confidenceRank(confidence) {
    return confidence === 'high' ? 3 : confidence === 'medium' ? 2 : 1;
}
/** 1 for regular: a finding is shown at `--persona X` when its rank is at most X's (auditor shows everything). */
function personaRank(persona) {
    return persona === 'regular' ? 1 : persona === 'pedantic' ? 2 : 3;
}
/** A finding's confidence, `high` when it carries none (a finding made outside a rule: the policy's own notices). */
function confidenceOf(finding) {
    return finding.confidence ?? 'high';
}
/** A finding's persona, `regular` when it carries none. */
function personaOf(finding) {
    return finding.persona ?? 'regular';
}
function severityRank(severity) {
    return severity === 'error' ? 3 : severity === 'warning' ? 2 : 1;
}
function fingerprintOf(rule, file, subject) {
    return createHash('sha256').update(`${rule}\0${file}\0${subject}`).digest('hex').slice(0, 32);
}
/** Occurrence-stable subject for fingerprints: the value, plus `#n` for the n-th repeat in the file (or the lock). */
function occurrenceSubjects(items, keyOf) {
    const seen = new Map();
    return items.map((item) => {
        const key = keyOf(item);
        const n = seen.get(key) ?? 0;
        seen.set(key, n + 1);
        return n === 0 ? key : `${key}#${n}`;
    });
}
function makeFinding(input) {
    const { subject, introduced, ...rest } = input;
    const finding = { ...rest, introduced: introduced ?? true, fingerprint: fingerprintOf(input.rule, input.file, subject) };
    for (const key of Object.keys(finding)) {
        if (finding[key] === undefined)
            delete finding[key];
    }
    return finding;
}
/** Most severe first, then by file and line: the order annotations and reports use. */
function compareFindings(a, b) {
    return (severityRank(b.severity) - severityRank(a.severity) ||
        a.file.localeCompare(b.file) ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.column ?? 0) - (b.column ?? 0) ||
        a.rule.localeCompare(b.rule) ||
        a.message.localeCompare(b.message));
}


/***/ }),

/***/ 619:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  uf: () => (/* binding */ escapeData),
  Bn: () => (/* binding */ escapeProperty)
});

// UNUSED EXPORTS: exitCodeFor, failureReason, renderGithub, workflowCommand

// EXTERNAL MODULE: ./src/findings.ts
var findings = __nccwpck_require__(1);
;// CONCATENATED MODULE: ./src/report/qualifiers.ts
/**
 * How the human-readable reports (terminal, Markdown, annotations) mark a finding's confidence and
 * persona: only when they are not the usual `high` and `regular`, so that the reports of a
 * repository with nothing uncertain read as before. JSON and SARIF always carry both fields.
 */

/** `["medium confidence", "pedantic"]`, or nothing for a high-confidence regular finding. */
function qualifiersOf(finding) {
    const out = [];
    const confidence = confidenceOf(finding);
    if (confidence !== 'high')
        out.push(`${confidence} confidence`);
    const persona = personaOf(finding);
    if (persona !== 'regular')
        out.push(persona);
    return out;
}
/** `" (medium confidence, pedantic)"`, or '' when there is nothing to say. */
function qualifiers_qualifierSuffix(finding) {
    const qualifiers = qualifiersOf(finding);
    return qualifiers.length > 0 ? ` (${qualifiers.join(', ')})` : '';
}
/**
 * "3 findings not shown (2 beyond the regular persona, 1 below medium confidence; not gating)", or
 * null when nothing was left out. `how` names the settings that show them, in the reader's terms.
 */
function qualifiers_filteredLine(filtered, how) {
    if (!filtered || filtered.total === 0)
        return null;
    const parts = [];
    if (filtered.byPersona > 0)
        parts.push(`${filtered.byPersona} beyond the ${filtered.persona} persona`);
    if (filtered.byConfidence > 0)
        parts.push(`${filtered.byConfidence} below ${filtered.minConfidence} confidence`);
    const settings = [
        filtered.byPersona > 0 ? (how === 'flags' ? '--persona auditor' : 'persona: auditor') : null,
        filtered.byConfidence > 0 ? (how === 'flags' ? '--min-confidence low' : 'min-confidence: low') : null,
    ].filter(Boolean);
    const one = filtered.total === 1;
    return `${filtered.total} ${one ? 'finding' : 'findings'} not shown (${parts.join(', ')}; not gating): ${settings.join(' and ')} ${one ? 'shows it' : 'shows them'}.`;
}

;// CONCATENATED MODULE: ./src/report/github.ts
/**
 * Workflow commands (`::error file=…::message`). Values are escaped as the runner unescapes them
 * (actions/toolkit's command.ts), so no file name or message can end the command early or start
 * a second one: `%`, CR and LF in data; additionally `:` and `,` in properties.
 */


function escapeData(value) {
    return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(value) {
    return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
const COMMAND = { error: 'error', warning: 'warning', notice: 'notice' };
function workflowCommand(finding) {
    const props = [`file=${escapeProperty(finding.file)}`];
    if (finding.line !== undefined)
        props.push(`line=${finding.line}`);
    if (finding.endLine !== undefined)
        props.push(`endLine=${finding.endLine}`);
    if (finding.column !== undefined)
        props.push(`col=${finding.column}`);
    // The title GitHub shows in bold: the rule, and its confidence and persona when not high and regular.
    props.push(`title=${escapeProperty(`lockgate ${finding.rule}${qualifierSuffix(finding)}`)}`);
    const text = finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message;
    return `::${COMMAND[finding.severity]} ${props.join(',')}::${escapeData(text)}`;
}
/**
 * `--format github`: one command per finding, most severe first, and a closing total. Over
 * `maxFindings`, the rest are counted in one notice that names the limit (JSON and SARIF carry all).
 */
function renderGithub(report, options = {}) {
    const sorted = [...report.findings].sort(compareFindings);
    const max = options.maxFindings ?? Infinity;
    const lines = sorted.slice(0, max).map(workflowCommand);
    if (sorted.length > max) {
        const more = sorted.length - max;
        lines.push(`::notice title=${escapeProperty('lockgate limits')}::${escapeData(`${more} more ${more === 1 ? 'finding is' : 'findings are'} not annotated: limits.max-rendered-findings is ${max}. Every finding is in the JSON and SARIF reports (--format json, --format sarif); to annotate more, set limits: max-rendered-findings in the lockgate config.`)}`);
    }
    const { error, warning, notice } = report.counts;
    lines.push(`lockgate: ${error} errors, ${warning} warnings, ${notice} notices`);
    const filtered = filteredLine(report.filtered, 'flags');
    if (filtered)
        lines.push(`lockgate: ${filtered}`);
    return `${lines.join('\n')}\n`;
}
/** 0: nothing at or above fail-on; 1: something is. */
function exitCodeFor(report, failOn) {
    if (failOn === 'never')
        return 0;
    const threshold = severityRank(failOn);
    return report.findings.some((f) => severityRank(f.severity) >= threshold) ? 1 : 0;
}
/** The one-line reason for a failed check, e.g. "3 errors at or above fail-on: error". */
function failureReason(report, failOn) {
    const threshold = failOn === 'never' ? 4 : severityRank(failOn);
    const n = report.findings.filter((f) => severityRank(f.severity) >= threshold).length;
    return `lockgate: ${n} finding${n === 1 ? '' : 's'} at or above fail-on: ${failOn}`;
}


/***/ }),

/***/ 155:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  WO: () => (/* binding */ EMPTY_CHANGES_OUTPUT),
  pl: () => (/* binding */ EMPTY_FINDINGS_OUTPUT)
});

// UNUSED EXPORTS: CHANGES_OUTPUT_MAX_CHARS, FINDINGS_OUTPUT_MAX_CHARS, changesOutput, findingsOutput

// EXTERNAL MODULE: ./src/findings.ts
var findings = __nccwpck_require__(1);
;// CONCATENATED MODULE: ./src/report/json.ts

/**
 * `##[` is the runner's legacy workflow command, honoured anywhere in a printed line; inside a JSON
 * string `[` may be written `\u005b`, which parses back to the same value and prints inertly.
 */
function inertJson(value) {
    return JSON.stringify(value, null, 2).replace(/##\[/g, '##\\u005b');
}
/**
 * A finding as the JSON report writes it: the contract's keys in the contract's order
 * (docs/design.md "Finding"), whatever order the rule built them in, with `confidence` and
 * `persona` always present (`high` and `regular` for a finding that carries none).
 */
function json_jsonFinding(finding) {
    const { rule, severity, file, line, endLine, column, message, fix, package: pkg, confidence: _c, persona: _p, related, introduced, fingerprint, ...rest } = finding;
    const ordered = { rule, severity, file, line, endLine, column, message, fix, package: pkg };
    ordered.confidence = confidenceOf(finding);
    ordered.persona = personaOf(finding);
    Object.assign(ordered, { related, introduced, fingerprint }, rest);
    for (const key of Object.keys(ordered))
        if (ordered[key] === undefined)
            delete ordered[key];
    return ordered;
}
/**
 * The JSON report of docs/design.md ("JSON report"), a contract: the fields are written one by one,
 * in this order, so that what reporters read beyond it (rule metadata, upload times) stays out.
 */
function jsonReport(report) {
    return {
        tool: report.tool,
        version: report.version,
        base: report.base,
        head: report.head,
        now: report.now,
        projects: report.projects.map((project) => ({
            path: project.path,
            lock: project.lock,
            changes: project.changes.map(({ uploadedAt: _uploadedAt, ...change }) => change),
        })),
        findings: report.findings.map(json_jsonFinding),
        waived: report.waived.map((finding) => json_jsonFinding(finding)),
        preexisting: report.preexisting?.map(json_jsonFinding),
        filtered: report.filtered ?? noneFiltered(),
        counts: report.counts,
    };
}
function renderJson(report) {
    return `${inertJson(jsonReport(report))}\n`;
}
/** What `filtered` says of a report built without the filters: nothing left out, the defaults. */
function noneFiltered() {
    return { minConfidence: 'low', persona: 'regular', total: 0, byPersona: 0, byConfidence: 0, rules: {} };
}

;// CONCATENATED MODULE: ./src/report/outputs.ts

/** UTF-16 code units; the two budgets together stay well under GitHub's 1 MB for a job's outputs. */
const FINDINGS_OUTPUT_MAX_CHARS = (/* unused pure expression or super */ null && (512 * 1024));
const CHANGES_OUTPUT_MAX_CHARS = (/* unused pure expression or super */ null && (256 * 1024));
/** Compact JSON, inert in a log line like the JSON report (`##[` never appears as such). */
function compact(value) {
    return JSON.stringify(value).replace(/##\[/g, '##\\u005b');
}
/**
 * `{"truncated":false,"total":N,"<key>":[…]}`: entries in order while the whole stays within
 * `maxChars`. `total` is the number of entries there are, shown or not.
 */
function bounded(key, entries, maxChars) {
    const close = ']}';
    const open = (truncated) => `{"truncated":${truncated},"total":${entries.length},"${key}":[`;
    // The longer prefix (`false` is longer than `true`) so the choice of flag cannot push it over.
    let size = open(false).length + close.length;
    const parts = [];
    for (const entry of entries) {
        const text = compact(entry);
        const cost = text.length + (parts.length > 0 ? 1 : 0);
        if (size + cost > maxChars)
            break;
        parts.push(text);
        size += cost;
    }
    return `${open(parts.length < entries.length)}${parts.join(',')}${close}`;
}
/** The findings that gate (the JSON report's `findings`, same fields), most severe first. */
function findingsOutput(report, maxChars = FINDINGS_OUTPUT_MAX_CHARS) {
    const findings = report.findings.map(jsonFinding);
    return bounded('findings', findings, maxChars);
}
/** Every dependency change of every project, flat: `{ project, lock, name, kind, from?, to?, fromSource?, toSource? }`. */
function changesOutput(report, maxChars = CHANGES_OUTPUT_MAX_CHARS) {
    const changes = report.projects.flatMap((project) => project.changes.map(({ uploadedAt: _uploadedAt, ...change }) => ({ project: project.path, lock: project.lock, ...change })));
    return bounded('changes', changes, maxChars);
}
/** What the outputs say when there is nothing to check (a deleted branch). */
const EMPTY_FINDINGS_OUTPUT = '{"truncated":false,"total":0,"findings":[]}';
const EMPTY_CHANGES_OUTPUT = '{"truncated":false,"total":0,"changes":[]}';


/***/ }),

/***/ 664:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ SettingsError)
/* harmony export */ });
/* unused harmony export DEFAULT_LIMITS */
const DEFAULT_LIMITS = {
    maxFileBytes: 64 * 1024 * 1024,
    maxPackagesPerLock: 50_000,
    maxYamlAliases: 1_000,
    maxRenderedFindings: 1_000,
};
class SettingsError extends Error {
}


/***/ }),

/***/ 598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(769);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ var __webpack_exports__main = __webpack_exports__.i;
/******/ var __webpack_exports__run = __webpack_exports__.e;
/******/ export { __webpack_exports__main as main, __webpack_exports__run as run };
/******/ 
