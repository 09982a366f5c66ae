/**
 * Znode path helpers: what makes a path valid (ZooKeeper's rules: absolute, no trailing `/`, no
 * empty, `.` or `..` names, no NUL), parents, ancestors and child paths.
 */

/** Why `path` is not a valid absolute znode path, or null when it is valid. */
export function pathProblem(path: string): string | null {
  if (typeof path !== 'string' || path.length === 0)
    return 'a znode path must be a non-empty string';
  if (path[0] !== '/') return `znode path "${path}" must start with /`;
  if (path === '/') return null;
  if (path.endsWith('/')) return `znode path "${path}" must not end with /`;
  if (path.includes('\u0000')) return `znode path "${path}" must not contain a NUL character`;
  for (const segment of path.slice(1).split('/')) {
    if (segment.length === 0) return `znode path "${path}" has an empty node name`;
    if (segment === '.' || segment === '..') {
      return `znode path "${path}" must not contain relative names (. or ..)`;
    }
  }
  return null;
}

/** The parent of a znode path (`/a/b` → `/a`, `/a` → `/`); the root has none (null). */
export function parentPath(path: string): string | null {
  if (path === '/') return null;
  const cut = path.lastIndexOf('/');
  return cut === 0 ? '/' : path.slice(0, cut);
}

/** `/a/b/c` → `['/a', '/a/b']`: the ancestors to create, outermost first (root excluded). */
export function ancestors(path: string): string[] {
  const result: string[] = [];
  for (let p = parentPath(path); p !== null && p !== '/'; p = parentPath(p)) result.unshift(p);
  return result;
}

/** Joins a parent path and a child name (`/` + `a` → `/a`, `/x` + `a` → `/x/a`). */
export function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}
