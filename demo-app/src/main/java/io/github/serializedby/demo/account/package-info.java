/**
 * Accounts: a withdrawal reads the balance, checks it, does slow work and writes the new balance; a
 * transfer does the same on two accounts. Both are serialized per account under one lock name.
 */
@NullMarked
package io.github.serializedby.demo.account;

import org.jspecify.annotations.NullMarked;
