// React's development build (the default when NODE_ENV is unset) checks and times every render:
// for a dashboard redrawing several panes 30 times a second it costs more than the rendering.
// Imported first by run.tsx, so React, the reconciler and Ink load their production builds.
// The variable is put back right after (`restoreNodeEnv`): a daemon the dashboard starts, and
// the agents under it, must not inherit a value the person never set.
const hadNodeEnv = Object.prototype.hasOwnProperty.call(process.env, 'NODE_ENV');
if (!hadNodeEnv) process.env.NODE_ENV = 'production';

export function restoreNodeEnv(): void {
  if (!hadNodeEnv) delete process.env.NODE_ENV;
}
