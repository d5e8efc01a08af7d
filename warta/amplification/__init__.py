"""Content packages handed down the tree, the sub-units' tasks, and the re-share tracker."""
