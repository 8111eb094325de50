// The cursor format lives in the SDK, so the gateway and partners read it the same way.
export { decodeStreamCursor as decodeCursor, encodeStreamCursor as encodeCursor, type StreamPosition } from '@antq/sdk';
