// Environment the dashboard's UI libraries read once, when they load. Imported first by run.tsx,
// so it runs before React, the reconciler and Ink evaluate; `restoreLoadEnv` puts everything back
// right after, so a daemon the dashboard starts, and the agents under it, inherit only what the
// person set.
//
// - NODE_ENV: React's development build (the default when NODE_ENV is unset) checks and times
//   every render; for a dashboard redrawing several panes 30 times a second that costs more than
//   the rendering. Unset → production while React loads.
// - CI / CONTINUOUS_INTEGRATION: Ink decides at load time that a CI environment gets no live
//   redraws, only the last frame. The dashboard only opens on a real terminal (main.ts checks for a
//   TTY), where that guess is wrong: a person running `bridle` in a shell that exports CI=true, or
//   a terminal test under CI, would see a blank screen. Hidden while Ink loads.
const saved = new Map<string, string | undefined>();

function override(name: string, value: string | undefined): void {
  saved.set(name, process.env[name]);
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

if (!Object.prototype.hasOwnProperty.call(process.env, 'NODE_ENV')) override('NODE_ENV', 'production');
for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
  if (Object.prototype.hasOwnProperty.call(process.env, name)) override(name, undefined);
}

export function restoreLoadEnv(): void {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  saved.clear();
}
