/**
 * The in-process room shared by the example chat adapters: the Metadata Adapter posts what clients
 * send, the chat Data Adapter listens. Kept on `globalThis` under a registry symbol so that every
 * reloaded copy of either module talks to the same room.
 */
import { EventEmitter } from 'node:events';

/** One chat message. */
export interface ChatMessage {
  user: string;
  text: string;
  at: Date;
}

/** The room: `post()` a message, listen to `'message'`. */
export interface ChatRoom extends EventEmitter<{ message: [ChatMessage] }> {
  post(message: ChatMessage): void;
}

const KEY = Symbol.for('lsadapter.examples.chatRoom');

/** The process-wide chat room. */
export function chatRoom(): ChatRoom {
  const registry = globalThis as unknown as Record<symbol, ChatRoom | undefined>;
  let room = registry[KEY];
  if (!room) {
    const emitter = new EventEmitter<{ message: [ChatMessage] }>() as ChatRoom;
    emitter.post = (message) => {
      emitter.emit('message', message);
    };
    room = emitter;
    registry[KEY] = room;
  }
  return room;
}
