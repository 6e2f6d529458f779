"""The HR import: read a file of people, plan every row, then apply the plan in one go."""
