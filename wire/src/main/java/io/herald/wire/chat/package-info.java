/**
 * The chat bodies (ops 28–38, version 2 only): sending a message to a user or a group, listing
 * conversations, paging history, marking read, and what the server delivers — messages (op 36),
 * read receipts (op 37) and read fan-out notices (op 38). Big-endian; docs/im.md has the layouts
 * with hex examples. A body that does not fit its layout raises {@link
 * io.herald.wire.delivery.MalformedBodyException}.
 */
package io.herald.wire.chat;
