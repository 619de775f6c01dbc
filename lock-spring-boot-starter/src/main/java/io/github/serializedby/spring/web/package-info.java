/** HTTP answers to lock failures, as RFC 9457 problem details. */
@NullMarked
package io.github.serializedby.spring.web;

import org.jspecify.annotations.NullMarked;
