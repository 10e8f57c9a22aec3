'use strict';
// A minimal Redis client: the RESP2 protocol over one TCP connection, enough for the voting app's few
// commands, with no package to install (the services run the stock node image).

const net = require('net');

class RedisError extends Error {}

/** One command as RESP: an array of bulk strings. */
function encode(args) {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('');
}

/** Parses the reply that starts at `offset` of `buf`: [value, next offset], or undefined if incomplete. */
function parse(buf, offset = 0) {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buf[offset]);
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return [line, next];
    case '-':
      return [new RedisError(line), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const length = Number(line);
      if (length < 0) return [null, next];
      if (buf.length < next + length + 2) return undefined;
      return [buf.toString('utf8', next, next + length), next + length + 2];
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return [null, next];
      const items = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, at);
        if (!item) return undefined;
        items.push(item[0]);
        at = item[1];
      }
      return [items, at];
    }
    default:
      throw new RedisError(`unexpected reply type ${JSON.stringify(type)}`);
  }
}

/**
 * Sends commands in order and resolves each with its reply. Connects on first use and again after the
 * connection drops (Swarm may start a client before its Redis), failing the commands in flight.
 */
class RedisClient {
  constructor(host, port = 6379) {
    this.host = host;
    this.port = port;
    this.socket = undefined;
    this.pending = [];
    this.buffer = Buffer.alloc(0);
  }

  command(...args) {
    return new Promise((resolve, reject) => {
      const socket = this.connect();
      this.pending.push({ resolve, reject });
      socket.write(encode(args));
    });
  }

  close() {
    if (this.socket) this.socket.end();
    this.socket = undefined;
  }

  connect() {
    if (this.socket) return this.socket;
    const socket = net.createConnection({ host: this.host, port: this.port });
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      let reply;
      while (this.pending.length > 0 && (reply = parse(this.buffer))) {
        this.buffer = this.buffer.subarray(reply[1]);
        const { resolve, reject } = this.pending.shift();
        if (reply[0] instanceof RedisError) reject(reply[0]);
        else resolve(reply[0]);
      }
    });
    const drop = (err) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.buffer = Buffer.alloc(0);
      for (const { reject } of this.pending.splice(0)) reject(err || new RedisError('connection closed'));
    };
    socket.on('error', drop);
    socket.on('close', () => drop());
    this.socket = socket;
    return socket;
  }
}

module.exports = { RedisClient, RedisError, encode, parse };
