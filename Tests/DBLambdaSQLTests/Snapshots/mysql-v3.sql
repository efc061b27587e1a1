-- DatabaseLambda: change events from an Aurora MySQL table to AWS Lambda
-- (Aurora MySQL version 3, native function lambda_async; envelope version 1)
-- table:      shop.Order`Items
-- function:   arn:aws:lambda:us-east-1:123456789012:function:orders
-- operations: insert, update, delete
-- invocation: Event, on error: raise
-- columns:    id, select, total
--
-- Run it with the mysql client from a file: mysql --default-character-set=utf8mb4 ... < this-file.sql
-- The DELIMITER lines are commands of the mysql client (not SQL): they let each trigger body contain
-- ';'. Tools that send statements one by one must drop them and send each CREATE TRIGGER whole.
-- It is idempotent: DROP TRIGGER IF EXISTS + CREATE TRIGGER (Aurora MySQL has no CREATE OR REPLACE
-- TRIGGER).
--
-- The invoke happens while the statement runs: a later ROLLBACK cannot undo it, and an Event may be
-- delivered more than once, so consumers de-duplicate on the event "id".

SET NAMES utf8mb4;

-- 1. IAM (outside SQL): a role that rds.amazonaws.com may assume, allowed lambda:InvokeFunction on
--    arn:aws:lambda:us-east-1:123456789012:function:orders, associated with the cluster:
--   aws rds add-role-to-db-cluster --db-cluster-identifier CLUSTER --role-arn ROLE_ARN
-- and named in the DB cluster parameter group (family aurora-mysql8.0):
--   aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name GROUP \
--     --parameters ParameterName=aws_default_lambda_role,ParameterValue=ROLE_ARN,ApplyMethod=pending-reboot
-- then reboot the writer instance.

-- 2. The privilege to invoke Lambda. Triggers run with the privileges of their DEFINER (by default the
-- account that runs this script), so that account needs it.
GRANT AWS_LAMBDA_ACCESS TO `app`@`10.0.%`;
-- AWS_LAMBDA_ACCESS is a role: it only counts while active. Activate it for every session with the
-- DB cluster parameter activate_all_roles_on_login = 1, or per session with SET ROLE AWS_LAMBDA_ACCESS
-- (or make it a default role: SET DEFAULT ROLE AWS_LAMBDA_ACCESS TO the account). Without it writes
-- fail with error 1227: Access denied; you need (at least one of) the Invoke Lambda privilege(s).

-- 3. The triggers.
DROP TRIGGER IF EXISTS `shop`.`dblambda_Order``Items_insert`;
DROP TRIGGER IF EXISTS `shop`.`dblambda_Order``Items_update`;
DROP TRIGGER IF EXISTS `shop`.`dblambda_Order``Items_delete`;

DELIMITER $$
CREATE TRIGGER `shop`.`dblambda_Order``Items_insert` AFTER INSERT ON `shop`.`Order``Items` FOR EACH ROW
BEGIN
    SELECT lambda_async('arn:aws:lambda:us-east-1:123456789012:function:orders',
        JSON_OBJECT(
            'dblambda', 1,
            'id', UUID(),
            'operation', 'insert',
            'source', JSON_OBJECT('engine', 'mysql', 'database', DATABASE(), 'schema', DATABASE(), 'table', 'Order`Items'),
            'transactionId', NULL,
            'timestamp', DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ'),
            'old', NULL,
            'new', JSON_OBJECT('id', NEW.`id`, 'select', NEW.`select`, 'total', NEW.`total`),
            'changedColumns', JSON_ARRAY())) INTO @dblambda_result;
END$$
CREATE TRIGGER `shop`.`dblambda_Order``Items_update` AFTER UPDATE ON `shop`.`Order``Items` FOR EACH ROW
BEGIN
    DECLARE dblambda_changed JSON DEFAULT JSON_ARRAY();
    -- The selected columns whose stored bytes differ, in the order given; none means nothing to send.
    IF NOT (CAST(OLD.`id` AS BINARY) <=> CAST(NEW.`id` AS BINARY)) THEN
        SET dblambda_changed = JSON_ARRAY_APPEND(dblambda_changed, '$', 'id');
    END IF;
    IF NOT (CAST(OLD.`select` AS BINARY) <=> CAST(NEW.`select` AS BINARY)) THEN
        SET dblambda_changed = JSON_ARRAY_APPEND(dblambda_changed, '$', 'select');
    END IF;
    IF NOT (CAST(OLD.`total` AS BINARY) <=> CAST(NEW.`total` AS BINARY)) THEN
        SET dblambda_changed = JSON_ARRAY_APPEND(dblambda_changed, '$', 'total');
    END IF;
    IF JSON_LENGTH(dblambda_changed) > 0 THEN
        SELECT lambda_async('arn:aws:lambda:us-east-1:123456789012:function:orders',
            JSON_OBJECT(
                'dblambda', 1,
                'id', UUID(),
                'operation', 'update',
                'source', JSON_OBJECT('engine', 'mysql', 'database', DATABASE(), 'schema', DATABASE(), 'table', 'Order`Items'),
                'transactionId', NULL,
                'timestamp', DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ'),
                'old', JSON_OBJECT('id', OLD.`id`, 'select', OLD.`select`, 'total', OLD.`total`),
                'new', JSON_OBJECT('id', NEW.`id`, 'select', NEW.`select`, 'total', NEW.`total`),
                'changedColumns', JSON_EXTRACT(dblambda_changed, '$'))) INTO @dblambda_result;
    END IF;
END$$
CREATE TRIGGER `shop`.`dblambda_Order``Items_delete` AFTER DELETE ON `shop`.`Order``Items` FOR EACH ROW
BEGIN
    SELECT lambda_async('arn:aws:lambda:us-east-1:123456789012:function:orders',
        JSON_OBJECT(
            'dblambda', 1,
            'id', UUID(),
            'operation', 'delete',
            'source', JSON_OBJECT('engine', 'mysql', 'database', DATABASE(), 'schema', DATABASE(), 'table', 'Order`Items'),
            'transactionId', NULL,
            'timestamp', DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ'),
            'old', JSON_OBJECT('id', OLD.`id`, 'select', OLD.`select`, 'total', OLD.`total`),
            'new', NULL,
            'changedColumns', JSON_ARRAY())) INTO @dblambda_result;
END$$
DELIMITER ;
