/**
 * Each user's inbox of stored messages (docs/delivery.md): a per-user sequence in an epoch,
 * retention by count and age, the devices' cursors, and the reset rules of a read. Two backends
 * behind {@link io.herald.logic.inbox.Inbox}: Redis (Lua scripts, one round trip each) and memory
 * ({@code herald standalone}); the store backend picks one.
 */
package io.herald.logic.inbox;
