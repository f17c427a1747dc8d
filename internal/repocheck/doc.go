// Package repocheck holds tests over the repository's own text: that the
// docs, comments and test data cite nothing outside the repository.
package repocheck
