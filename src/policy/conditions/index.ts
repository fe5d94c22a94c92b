// Every condition kind, by the key a policy writes it under.
import type { ConditionKind } from '../condition.js';
import { agentKind } from './agent.js';
import { commandKind } from './command.js';
import { contentKind } from './content.js';
import { costKind } from './cost.js';
import { countKind } from './count.js';
import { depthKind } from './depth.js';
import { gitKind } from './git.js';
import { harnessKind } from './harness.js';
import { hostKind } from './host.js';
import { anyKind, notKind } from './logic.js';
import { methodKind } from './method.js';
import { modelKind } from './model.js';
import { pathKind } from './path.js';
import { rateKind } from './rate.js';
import { tokensKind } from './tokens.js';
import { toolKind } from './tool.js';
import { urlPathKind } from './url_path.js';

export const KINDS: ReadonlyMap<string, ConditionKind> = new Map(
  [
    toolKind, commandKind, pathKind, hostKind, methodKind, urlPathKind, gitKind, modelKind, costKind,
    tokensKind, rateKind, contentKind, agentKind, harnessKind, depthKind, countKind, notKind, anyKind,
  ].map((k) => [k.kind, k]),
);

export const KIND_NAMES: readonly string[] = [...KINDS.keys()];
