/**
 * The stylesheet and script, named by a digest of their content so they can
 * be cached for a year, and compressed once when the app is built.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { sha256Hex } from '../../packs/digest.js';
import { CLIENT_JS } from '../web/client.js';
import { STYLE_CSS } from '../web/style.js';

export interface Asset {
  name: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  brotli: Buffer;
}

export interface Assets {
  /** URL paths of the stylesheet and script, for the page shell. */
  cssPath: string;
  jsPath: string;
  byName: Map<string, Asset>;
}

export const ASSET_PREFIX = '/marketplace/assets/';

function asset(base: string, ext: string, type: string, text: string): Asset {
  const body = Buffer.from(text, 'utf8');
  return {
    name: `${base}.${sha256Hex(body).slice(0, 12)}.${ext}`,
    type,
    body,
    gzip: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  };
}

export function buildAssets(): Assets {
  const css = asset('marketplace', 'css', 'text/css; charset=utf-8', STYLE_CSS);
  const js = asset('marketplace', 'js', 'text/javascript; charset=utf-8', CLIENT_JS);
  return {
    cssPath: ASSET_PREFIX + css.name,
    jsPath: ASSET_PREFIX + js.name,
    byName: new Map([[css.name, css], [js.name, js]]),
  };
}
