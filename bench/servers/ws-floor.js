'use strict';
// (d) The floor: a bare `ws` server that parses JSON and answers, with no validation at all.

const { WebSocketServer } = require('ws');
const { serve, countSettled, REMOTE_START } = require('./harness');

const sockets = new Map();
let wss;
let nextId = 0;

function answer(action) {
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 };
    case 'Heartbeat':
      return { currentTime: new Date().toISOString() };
    default:
      return {};
  }
}

serve({
  start(port) {
    return new Promise((resolve, reject) => {
      wss = new WebSocketServer({
        port,
        host: '127.0.0.1',
        perMessageDeflate: false,
        handleProtocols: (offered) => (offered.has('ocpp1.6') ? 'ocpp1.6' : false),
      });
      wss.once('listening', resolve);
      wss.once('error', reject);
      wss.on('connection', (ws, req) => {
        const id = decodeURIComponent(req.url.slice(req.url.lastIndexOf('/') + 1));
        const waiting = new Map();
        sockets.set(id, { ws, waiting });
        ws.on('close', () => sockets.delete(id));
        ws.on('message', (data) => {
          let frame;
          try {
            frame = JSON.parse(data);
          } catch {
            return;
          }
          if (frame[0] === 2) {
            ws.send(JSON.stringify([3, frame[1], answer(frame[2])]));
          } else if (frame[0] === 3 || frame[0] === 4) {
            const done = waiting.get(frame[1]);
            if (done) {
              waiting.delete(frame[1]);
              done(frame[0] === 3);
            }
          }
        });
      });
    });
  },
  fanout(ids) {
    return countSettled(
      ids.map(
        (id) =>
          new Promise((resolve, reject) => {
            const s = sockets.get(id);
            if (!s) return reject(new Error('not connected'));
            const messageId = String(++nextId);
            s.waiting.set(messageId, (ok) => (ok ? resolve() : reject(new Error('CALLERROR'))));
            s.ws.send(JSON.stringify([2, messageId, 'RemoteStartTransaction', REMOTE_START]));
          }),
      ),
    );
  },
  stop() {
    return new Promise((resolve) => {
      for (const { ws } of sockets.values()) ws.terminate();
      wss.close(() => resolve());
    });
  },
});
