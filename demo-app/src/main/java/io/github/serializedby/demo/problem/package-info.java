/**
 * The demo's business errors and their HTTP answers as problem details ({@code application/problem+json}).
 */
@NullMarked
package io.github.serializedby.demo.problem;

import org.jspecify.annotations.NullMarked;
