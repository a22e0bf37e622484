// Runs one of our SuiteScripts under Node with stand-ins for the NetSuite modules it uses.
//
// Usage: node harness.js scenario.json  ->  prints {"posts": [...], "logs": [...], "threw": ...}
//
// The stand-ins behave like NetSuite where our scripts depend on it: N/crypto opens an API
// Secret by script id, decoding it with the encoding asked for, and computes a real
// HMAC-SHA256 with Node's crypto; N/https records each post and answers as the scenario says;
// N/runtime reports the execution context, account and role; Date is frozen at scenario.now.
'use strict';

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const nodeCrypto = require('crypto');

const scenario = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const posts = [];
const logs = [];

const ENCODINGS = { UTF_8: 'utf8', BASE_64: 'base64', HEX: 'hex' };

function nsError(name, message) {
    const error = new Error(message);
    error.name = name;
    return error;
}

function nodeEncoding(encoding, fallback) {
    const found = ENCODINGS[encoding || fallback];
    if (!found) {
        throw nsError('INVALID_ENCODING', 'unsupported encoding ' + encoding);
    }
    return found;
}

const encode = { Encoding: { UTF_8: 'UTF_8', BASE_64: 'BASE_64', HEX: 'HEX' } };

const crypto = {
    HashAlg: { SHA1: 'SHA1', SHA256: 'SHA256', SHA512: 'SHA512', MD5: 'MD5' },
    createSecretKey(options) {
        if (options.guid !== undefined) {
            throw nsError('UNSUPPORTED', 'the harness has API secrets only, no GUIDs');
        }
        const stored = (scenario.apiSecrets || {})[options.secret];
        if (stored === undefined) {
            throw nsError('INVALID_SECRET_KEY', 'no API secret ' + options.secret);
        }
        return { secret: options.secret, bytes: Buffer.from(stored, nodeEncoding(options.encoding, 'UTF_8')) };
    },
    createHmac(options) {
        if (options.algorithm !== 'SHA256' || !options.key || !options.key.bytes) {
            throw nsError('INVALID_ALGORITHM', 'the harness signs with SHA256 and a secret key only');
        }
        const hmac = nodeCrypto.createHmac('sha256', options.key.bytes);
        return {
            update(o) { hmac.update(Buffer.from(o.input, nodeEncoding(o.inputEncoding, 'UTF_8'))); },
            digest(o) { return hmac.digest(nodeEncoding((o || {}).outputEncoding, 'HEX')); },
        };
    },
};

const random = { generateUUID: () => nodeCrypto.randomUUID() };

function post(options) {
    if (typeof options.body !== 'string') {
        throw nsError('SSS_INVALID_TYPE_ARG', 'the harness expects a string body');
    }
    posts.push({ url: String(options.url), body: options.body, headers: options.headers || {} });
    const answer = scenario.https || {};
    if (answer.throws) {
        throw nsError(answer.throws, 'simulated N/https failure');
    }
    return { code: answer.code || 200, body: answer.body || '', headers: {} };
}
post.promise = (options) => new Promise((resolve, reject) => {
    try { resolve(post(options)); } catch (error) { reject(error); }
});
const https = { post: post };

const run = scenario.runtime || {};
const runtime = {
    executionContext: run.executionContext || 'USERINTERFACE',
    accountId: run.accountId || '1234567_SB1',
    ContextType: {
        USER_INTERFACE: 'USERINTERFACE', WEBSERVICES: 'WEBSERVICES',
        REST_WEBSERVICES: 'RESTWEBSERVICES', CSV_IMPORT: 'CSVIMPORT', SCHEDULED: 'SCHEDULED',
        SUITELET: 'SUITELET', RESTLET: 'RESTLET', MAP_REDUCE: 'MAPREDUCE', USEREVENT: 'USEREVENT',
    },
    getCurrentUser: () => {
        if (run.noUser) {
            throw nsError('SSS_MISSING_REQD_ARGUMENT', 'no current user in this context');
        }
        return { id: run.userId || 7, role: run.role === undefined ? 3 : run.role };
    },
};

const logger = (level) => (options) => logs.push({ level: level, title: String(options.title), details: String(options.details) });
const log = { debug: logger('DEBUG'), audit: logger('AUDIT'), error: logger('ERROR'), emergency: logger('EMERGENCY') };

const MODULES = { 'N/https': https, 'N/crypto': crypto, 'N/crypto/random': random, 'N/encode': encode, 'N/runtime': runtime, 'N/log': log };

const RealDate = Date;
const frozen = scenario.now === undefined ? RealDate.now() : scenario.now;
class FrozenDate extends RealDate {
    constructor(...args) { if (args.length === 0) { super(frozen); } else { super(...args); } }
    static now() { return frozen; }
}

const loaded = {};

function load(file) {
    if (loaded[file] !== undefined) {
        return loaded[file];
    }
    const overridden = (scenario.files || {})[path.basename(file)];
    const source = overridden === undefined ? fs.readFileSync(file, 'utf8') : overridden;
    let definition = null;
    const define = (deps, factory) => { definition = typeof deps === 'function' ? { deps: [], factory: deps } : { deps: deps, factory: factory }; };
    vm.runInNewContext(source, { define: define, Date: FrozenDate, log: log }, { filename: file });
    if (definition === null) {
        throw new Error(file + ' does not call define');
    }
    const resolved = definition.deps.map((dep) => {
        if (dep.startsWith('N/')) {
            if (!(dep in MODULES)) { throw new Error('no stand-in for ' + dep); }
            return MODULES[dep];
        }
        return load(path.resolve(path.dirname(file), dep + '.js'));
    });
    loaded[file] = definition.factory(...resolved);
    return loaded[file];
}

function record(spec) {
    if (!spec) { return null; }
    return { type: spec.type, id: spec.id, getValue: (o) => (spec.fields || {})[o.fieldId] };
}

function entryArgument() {
    const given = scenario.argument || {};
    if (scenario.call === 'afterSubmit') {
        return { type: given.type, newRecord: record(given.newRecord), oldRecord: record(given.oldRecord), UserEventType: { CREATE: 'create', EDIT: 'edit', XEDIT: 'xedit', DELETE: 'delete' } };
    }
    return given;
}

async function main() {
    let threw = null;
    try {
        const script = load(path.resolve(scenario.scripts, scenario.entry));
        await script[scenario.call](entryArgument());
    } catch (error) {
        threw = String(error && error.stack || error);
    }
    process.stdout.write(JSON.stringify({ posts: posts, logs: logs, threw: threw }));
}

main();
