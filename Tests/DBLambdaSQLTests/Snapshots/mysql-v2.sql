-- DatabaseLambda: change events from an Aurora MySQL table to AWS Lambda
-- (Aurora MySQL version 2, native function lambda_sync; envelope version 1)
-- table:      shop.orders
-- function:   arn:aws:lambda:us-east-1:123456789012:function:orders
-- operations: update
-- invocation: RequestResponse, on error: warn
-- columns:    id, status
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
-- and named in the DB cluster parameter group (family aurora-mysql5.7):
--   aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name GROUP \
--     --parameters ParameterName=aws_default_lambda_role,ParameterValue=ROLE_ARN,ApplyMethod=pending-reboot
-- then reboot the writer instance.

-- 2. The privilege to invoke Lambda. Triggers run with the privileges of their DEFINER (by default the
-- account that runs this script), so that account needs it.
-- No --grant-to account was given; for app_writer@% run:
-- GRANT INVOKE LAMBDA ON *.* TO `app_writer`@`%`;

-- 3. The triggers.
DROP TRIGGER IF EXISTS `shop`.`dblambda_orders_insert`;
DROP TRIGGER IF EXISTS `shop`.`dblambda_orders_update`;
DROP TRIGGER IF EXISTS `shop`.`dblambda_orders_delete`;

DELIMITER $$
CREATE TRIGGER `shop`.`dblambda_orders_update` AFTER UPDATE ON `shop`.`orders` FOR EACH ROW
BEGIN
    DECLARE dblambda_changed JSON DEFAULT JSON_ARRAY();
    -- The selected columns whose stored bytes differ, in the order given; none means nothing to send.
    IF NOT (CAST(OLD.`id` AS BINARY) <=> CAST(NEW.`id` AS BINARY)) THEN
        SET dblambda_changed = JSON_ARRAY_APPEND(dblambda_changed, '$', 'id');
    END IF;
    IF NOT (CAST(OLD.`status` AS BINARY) <=> CAST(NEW.`status` AS BINARY)) THEN
        SET dblambda_changed = JSON_ARRAY_APPEND(dblambda_changed, '$', 'status');
    END IF;
    IF JSON_LENGTH(dblambda_changed) > 0 THEN
        BEGIN
            -- Error policy warn: an invoke error is kept in @dblambda_error and the write goes on.
            DECLARE CONTINUE HANDLER FOR SQLEXCEPTION
                GET DIAGNOSTICS CONDITION 1 @dblambda_sqlstate = RETURNED_SQLSTATE, @dblambda_error = MESSAGE_TEXT;
            SET @dblambda_sqlstate = NULL, @dblambda_error = NULL;
            SELECT lambda_sync('arn:aws:lambda:us-east-1:123456789012:function:orders',
                JSON_OBJECT(
                    'dblambda', 1,
                    'id', UUID(),
                    'operation', 'update',
                    'source', JSON_OBJECT('engine', 'mysql', 'database', DATABASE(), 'schema', DATABASE(), 'table', 'orders'),
                    'transactionId', NULL,
                    'timestamp', DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ'),
                    'old', JSON_OBJECT('id', OLD.`id`, 'status', OLD.`status`),
                    'new', JSON_OBJECT('id', NEW.`id`, 'status', NEW.`status`),
                    'changedColumns', JSON_EXTRACT(dblambda_changed, '$'))) INTO @dblambda_result;
        END;
    END IF;
END$$
DELIMITER ;
