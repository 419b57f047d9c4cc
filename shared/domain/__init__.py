"""Pure domain: no boto3, no environment, no wall clock. Time always arrives as a parameter."""
