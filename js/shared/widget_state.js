// The public methods both widgets' states share: their outbox's, the messages they receive
// (docs/protocol.md) and what their buffer holds. Pure: no DOM.

import { receiver } from "./state_kit.js";

/**
 * The shared part of a state's public methods (spread into its return value).
 *
 * @param {object} parts - the state's `outbox` (outbox.js), `items` (item_buffer.js) and
 *   `answerLog` (answer_log.js).
 */
export function sharedMethods({ outbox, items, answerLog }) {
  return {
    resend: outbox.resend,
    restoreOutbox: outbox.restore,
    setConnected: outbox.setConnected,
    pendingCount: outbox.size,
    savedCount: () => outbox.snapshot().saved,
    outboxMessages: outbox.messages,
    keepInPageOnly: outbox.keepInPageOnly,
    hello: () => outbox.hello(),
    // the store away (wait): the answer stays pending and is sent again later
    receive: receiver({
      buffer: items.receive,
      ack: answerLog.receiveAck,
      refuse: answerLog.receiveRefuse,
      wait: outbox.wait,
    }),
    queuedKeys: items.queuedKeys,
    historyKeys: items.historyKeys,
  };
}
