// Setup of the `unit` project: a unit spec tests a pure module, so opening a socket (an emulator,
// a listener, an outbound call) fails it at once; such a spec belongs in test/integration/.
import { Server, Socket } from 'node:net';

const refuse = (what: string) => () => {
  throw new Error(`a unit spec ${what}: move it to test/integration/`);
};

Server.prototype.listen = refuse('listens on a socket') as typeof Server.prototype.listen;
Socket.prototype.connect = refuse('opens a connection') as typeof Socket.prototype.connect;
