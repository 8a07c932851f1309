'use strict';
// cfnrun's module resolution hook for ES modules (registered by
// bootstrap.cjs with module.register; it runs on Node's loader thread).
//
// Node resolves a bare specifier ('@aws-sdk/client-s3') imported by an ES
// module from node_modules directories above the importing file only:
// NODE_PATH is for require. Lambda's Node.js 18 and later runtimes let ES
// modules import packages from the layers (/opt/nodejs/node_modules) and
// the runtime's own /var/runtime/node_modules (the AWS SDK) as well. This
// hook gives a specifier Node did not find a second chance in each of the
// directories NODE_PATH names (the ones require searches; bootstrap.cjs
// passes them), in their order, with the "import" conditions of the
// package's exports.

const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

let dirs = [];
let opt = []; // the layers at /opt, the last one first (bootstrap.cjs)

exports.initialize = (data) => {
  dirs = (data && data.dirs) || [];
  opt = (data && data.opt) || [];
};

// optPath maps an import of a file under /opt (a path or a file: URL) to
// the layer that has it, as Lambda merges the layers there; "" when none
// does.
function optPath(specifier) {
  let rest = '';
  if (specifier.startsWith('/opt/')) rest = specifier.slice(4);
  else if (specifier.startsWith('file:///opt/')) rest = decodeURIComponent(specifier.slice(11));
  else return '';
  for (const d of opt) {
    if (fs.existsSync(d + rest)) return pathToFileURL(d + rest).href;
  }
  return '';
}

// parents returns, for each NODE_PATH directory holding the package a bare
// specifier names, a parent URL from which Node's own resolution finds it
// there: a file beside the directory when it is a node_modules directory
// (Node looks in ./node_modules first), else a file inside the package
// (a package that has "exports" resolves its own name from there).
function parents(specifier) {
  if (/^(\.|\/|#|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier)) return [];
  const parts = specifier.split('/');
  const name = specifier[0] === '@' ? parts.slice(0, 2).join('/') : parts[0];
  const out = [];
  for (const d of dirs) {
    const pkg = path.join(d, name);
    if (!fs.existsSync(pkg)) continue;
    out.push(pathToFileURL(path.basename(d) === 'node_modules' ? path.join(d, '..', '[cfnrun]') : path.join(pkg, '[cfnrun]')).href);
  }
  return out;
}

exports.resolve = async (specifier, context, next) => {
  const inLayer = opt.length > 0 ? optPath(specifier) : '';
  if (inLayer !== '') return next(inLayer, context);
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!e || e.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    for (const parentURL of parents(specifier)) {
      try {
        return await next(specifier, { ...context, parentURL });
      } catch (_) {
        // the next directory
      }
    }
    throw e;
  }
};
