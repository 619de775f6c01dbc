/**
 * Owners and their pets, in the shape of spring-petclinic's "add a pet": the controller loads the owner
 * with its pets in a {@code @ModelAttribute} method, before the handler runs, and the handler checks the
 * new pet's name against that list, then saves. The lock covers the whole request, loading included, so
 * the check never reads a stale list.
 */
@NullMarked
package io.github.serializedby.demo.owner;

import org.jspecify.annotations.NullMarked;
