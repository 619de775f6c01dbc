/**
 * Free tickets: a user who asks for a ticket to an event gets one unless they already hold one; many
 * clicks at once still give exactly one, since participation is serialized per user and event.
 */
@NullMarked
package io.github.serializedby.demo.ticket;

import org.jspecify.annotations.NullMarked;
