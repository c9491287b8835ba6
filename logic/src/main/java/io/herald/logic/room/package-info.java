/**
 * Which Comets hold members of which rooms, so that a room push goes only to those Comets, and the
 * fallback to every Comet while that index cannot be trusted.
 */
package io.herald.logic.room;
