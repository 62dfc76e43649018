"""Read a job-search message, label it and extract who, where and what role."""
