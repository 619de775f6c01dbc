/** The short harness run that CI makes. */
@NullMarked
package io.github.serializedby.harness;

import org.jspecify.annotations.NullMarked;
