/**
 * The store behind sessions, online reports and the room index: which backend (Redis or memory) the
 * config asks for, and the watch that tells whether it answers and whether it lost its contents.
 */
package io.herald.logic.store;
