/**
 * Message ids, one per push: made in process Snowflake-style ({@link
 * io.herald.logic.ids.SnowflakeMessageIds}) or taken in blocks from the IdGen service ({@link
 * io.herald.logic.ids.IdGenMessageIds}), as {@link io.herald.logic.ids.MessageIdsConfig} says.
 */
package io.herald.logic.ids;
