/**
 * Action inputs that are code: the action runs the input's text as a script, a shell command, a
 * query or a template, so a `${{ }}` pasted into it is code too (template-injection).
 *
 * The list is zizmor's (its template-injection audit): the injection sinks of GitHub's CodeQL models
 * for Actions plus zizmor's own additions (the last four). Owner and repository are compared without
 * case, like GitHub does; an action's subpath (`owner/repo/sub@ref`) is another action and not listed.
 */
export interface ActionSink {
  /** `owner/repo`, lower-cased. */
  action: string;
  /** The `with:` inputs that are code, lower-cased (GitHub reads input names without case). */
  inputs: string[];
  /** What the input's text becomes, for the message. */
  language: string;
}

export const ACTION_SINKS: readonly ActionSink[] = [
  { action: 'actions/github-script', inputs: ['script'], language: 'JavaScript' },
  { action: '8398a7/action-slack', inputs: ['custom_payload'], language: 'JavaScript' },
  { action: 'appleboy/ssh-action', inputs: ['script'], language: 'shell code on the remote host' },
  { action: 'azure/cli', inputs: ['inlinescript'], language: 'shell code' },
  { action: 'azure/powershell', inputs: ['inlinescript'], language: 'PowerShell' },
  { action: 'devorbitus/yq-action-output', inputs: ['cmd'], language: 'shell code' },
  { action: 'gautamkrishnar/blog-post-workflow', inputs: ['item_exec'], language: 'JavaScript' },
  { action: 'imjohnbo/issue-bot', inputs: ['body', 'linked-comments-previous-issue-text', 'linked-comments-new-issue-text'], language: 'template code' },
  { action: 'lucasbento/auto-close-issues', inputs: ['issue-close-message'], language: 'template code' },
  { action: 'mikefarah/yq', inputs: ['cmd'], language: 'shell code' },
  { action: 'roots/issue-closer-action', inputs: ['issue-close-message', 'pr-close-message'], language: 'template code' },
  { action: 'sergeysova/jq-action', inputs: ['cmd'], language: 'shell code' },
  { action: 'skitionek/notify-microsoft-teams', inputs: ['overwrite'], language: 'JavaScript' },
  { action: 'tibdex/backport', inputs: ['body_template', 'head_template', 'labels_template', 'title_template'], language: 'template code' },
  { action: 'amadevus/pwsh-script', inputs: ['script'], language: 'PowerShell' },
  { action: 'jannekem/run-python-script-action', inputs: ['script'], language: 'Python' },
  { action: 'cardinalby/js-eval-action', inputs: ['expression'], language: 'JavaScript' },
  { action: 'addnab/docker-run-action', inputs: ['options', 'run'], language: 'shell code' },
];

const SINK_BY_ACTION = new Map(ACTION_SINKS.map((sink) => [sink.action, sink]));

/** The sink entry of a step's `uses:` (`owner/repo@ref`, as usesAction reads it), if the action is one whose inputs are code. */
export function actionSinkOf(uses: string | undefined): ActionSink | undefined {
  if (!uses) return undefined;
  const value = uses.trim();
  const at = value.lastIndexOf('@');
  return at > 0 ? SINK_BY_ACTION.get(value.slice(0, at).toLowerCase()) : undefined;
}
