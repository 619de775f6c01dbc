/** Tests of the demo: real concurrent HTTP requests against a running application. */
@NullMarked
package io.github.serializedby.demo;

import org.jspecify.annotations.NullMarked;
