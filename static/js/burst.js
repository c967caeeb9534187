// A search-as-you-type burst: the keystrokes a person types without stopping count as one
// search on the server (the last query typed). Each request of a burst carries the same id;
// a pause, an emptied box or an opened result starts a new burst.

const PAUSE_MS = 3000;

function freshId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Burst {
  constructor(pauseMs = PAUSE_MS) {
    this.pauseMs = pauseMs;
    this.current = null;
    this.last = 0;
  }

  /** The id for a request made now: the running burst's, or a new one after a pause. */
  id() {
    const now = Date.now();
    if (!this.current || now - this.last > this.pauseMs) this.current = freshId();
    this.last = now;
    return this.current;
  }

  /** The person stopped (opened a result, emptied the box): the next request starts anew. */
  end() {
    this.current = null;
  }
}
