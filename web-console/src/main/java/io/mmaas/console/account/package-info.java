/** The signed-in user's own account: changing the password. */
package io.mmaas.console.account;
