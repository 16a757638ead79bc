import { isIP } from 'node:net';

/** Typing of single field values the way ECS expects them. */

/** The address when it is an IPv4 or IPv6 literal (ECS `*.ip` fields reject anything else). */
export function ipOrUndefined(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 45) return undefined;
  return isIP(value) === 0 ? undefined : value;
}

/** A TCP/UDP port number from text or a number. */
export function portOrUndefined(value: string | number | undefined): number | undefined {
  const port =
    typeof value === 'number'
      ? value
      : value !== undefined && /^\d{1,5}$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
}

/** A MAC address in ECS's recommended form (upper-case, hyphen-separated), from `:`/`-`/`.` forms. */
export function macOrUndefined(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const hex = value.replace(/[:.-]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) return undefined;
  if (
    !/^[0-9a-fA-F]{2}([:-])(?:[0-9a-fA-F]{2}\1){4}[0-9a-fA-F]{2}$|^[0-9a-fA-F]{4}(\.[0-9a-fA-F]{4}){2}$|^[0-9a-fA-F]{12}$/.test(
      value,
    )
  ) {
    return undefined;
  }
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1-');
}

/** The last path segment of a Windows or POSIX path (`C:\Windows\notepad.exe` → `notepad.exe`). */
export function baseName(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  const name = path.slice(cut + 1);
  return name === '' ? undefined : name;
}

/** `url.path` and `url.query` of a request target such as `/api/v1/pods?watch=true`. */
export function splitRequestTarget(target: string | undefined): { path?: string; query?: string } {
  if (target === undefined) return {};
  const mark = target.indexOf('?');
  if (mark === -1) return { path: target };
  const query = target.slice(mark + 1);
  return query === '' ? { path: target.slice(0, mark) } : { path: target.slice(0, mark), query };
}
