/**
 * Durable storage of the IM layer: {@link io.herald.im.ImStore} and its value types; {@link
 * io.herald.im.jdbc.JdbcImStore} implements it on H2 or PostgreSQL with Flyway migrations ({@code
 * db/im}).
 */
package io.herald.im;
