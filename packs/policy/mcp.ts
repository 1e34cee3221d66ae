import type { McpMatch, PolicyRequest } from './types.js';

/**
 * An `mcp` block matches an MCP call that breaks its lists: a value outside
 * a non-empty allow list, or inside a deny list. So a `deny` rule with
 * `allow_tools: [read]` denies every other tool, and one with
 * `deny_tools: [rm]` denies `rm`. A request with no MCP call never matches,
 * except an empty block, which like every empty match field matches anything.
 */
export function mcpMatches(m: McpMatch, call: PolicyRequest['mcp']): boolean {
  // An empty block (`mcp: {}`, or only empty lists) is an empty field: it matches anything.
  if (Object.values(m).every((list) => !Array.isArray(list) || list.length === 0)) return true;
  if (!call) return false;
  const dims: [string[] | undefined, string[] | undefined, string | undefined][] = [
    [m.allow_servers, m.deny_servers, call.server],
    [m.allow_tools, m.deny_tools, call.tool],
    [m.allow_resources, m.deny_resources, call.resource],
    [m.allow_actions, m.deny_actions, call.action],
  ];
  return dims.some(([allow, deny, value]) => {
    if (value === undefined) return false;
    if (allow && allow.length > 0 && !allow.includes(value)) return true;
    return deny !== undefined && deny.includes(value);
  });
}
