// Copyright IBM Corp. 2014, 2025
// SPDX-License-Identifier: MPL-2.0

// Package integrationtest is an internal package that contains some
// tests that attempt to exercise many HCL features together in realistic
// scenarios. This is in addition to -- but not a substitute for -- unit tests
// that verify the behavior of each feature separately.
package integrationtest
